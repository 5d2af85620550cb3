-- AlterTable
ALTER TABLE "TokenFamily" ADD COLUMN     "idpAccessTokenExpiresAt" TIMESTAMP(3),
ADD COLUMN     "idpRefreshToken" TEXT;

