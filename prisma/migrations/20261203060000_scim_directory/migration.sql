-- AlterTable
ALTER TABLE "User" ADD COLUMN     "provisionedAt" TIMESTAMP(3),
ADD COLUMN     "scimAttributes" JSONB,
ADD COLUMN     "scimExternalId" TEXT,
ADD COLUMN     "scimUserName" TEXT,
ADD COLUMN     "scimUserNameLower" TEXT;

-- CreateTable
CREATE TABLE "DirectoryToken" (
    "id" TEXT NOT NULL,
    "organisationId" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "createdBy" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3),
    "lastUsedAt" TIMESTAMP(3),

    CONSTRAINT "DirectoryToken_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "DirectoryToken_tokenHash_key" ON "DirectoryToken"("tokenHash");

-- CreateIndex
CREATE INDEX "DirectoryToken_organisationId_idx" ON "DirectoryToken"("organisationId");

-- CreateIndex
CREATE INDEX "User_organisationId_scimExternalId_idx" ON "User"("organisationId", "scimExternalId");

-- CreateIndex
CREATE UNIQUE INDEX "User_organisationId_scimUserNameLower_key" ON "User"("organisationId", "scimUserNameLower");

-- AddForeignKey
ALTER TABLE "DirectoryToken" ADD CONSTRAINT "DirectoryToken_organisationId_fkey" FOREIGN KEY ("organisationId") REFERENCES "Organisation"("id") ON DELETE CASCADE ON UPDATE CASCADE;

