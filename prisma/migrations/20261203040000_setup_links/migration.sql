-- CreateTable
CREATE TABLE "SetupLink" (
    "id" TEXT NOT NULL,
    "organisationId" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "createdBy" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "connectionId" TEXT,
    "testedAt" TIMESTAMP(3),
    "testedSubject" TEXT,
    "testedEmail" TEXT,
    "testedName" TEXT,
    "testedClaims" JSONB,
    "testedVersion" INTEGER,
    "testRefusal" TEXT,
    "usedAt" TIMESTAMP(3),

    CONSTRAINT "SetupLink_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "SetupLink_tokenHash_key" ON "SetupLink"("tokenHash");

-- CreateIndex
CREATE UNIQUE INDEX "SetupLink_connectionId_key" ON "SetupLink"("connectionId");

-- CreateIndex
CREATE INDEX "SetupLink_organisationId_idx" ON "SetupLink"("organisationId");

-- AddForeignKey
ALTER TABLE "SetupLink" ADD CONSTRAINT "SetupLink_organisationId_fkey" FOREIGN KEY ("organisationId") REFERENCES "Organisation"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SetupLink" ADD CONSTRAINT "SetupLink_connectionId_fkey" FOREIGN KEY ("connectionId") REFERENCES "Connection"("id") ON DELETE SET NULL ON UPDATE CASCADE;

