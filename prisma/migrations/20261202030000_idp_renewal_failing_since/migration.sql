-- AlterTable
ALTER TABLE "TokenFamily" ADD COLUMN     "idpRenewalFailingSince" TIMESTAMP(3);
