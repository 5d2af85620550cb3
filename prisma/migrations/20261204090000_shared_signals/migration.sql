-- CreateTable
CREATE TABLE "ReceivedSecurityToken" (
    "issuer" TEXT NOT NULL,
    "jti" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ReceivedSecurityToken_pkey" PRIMARY KEY ("issuer","jti")
);

-- CreateTable
CREATE TABLE "SignalStream" (
    "id" TEXT NOT NULL,
    "connectionId" TEXT NOT NULL,
    "issuer" TEXT NOT NULL,
    "jwksUri" TEXT NOT NULL,
    "audience" TEXT NOT NULL,
    "createdBy" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SignalStream_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ReceivedSecurityToken_expiresAt_idx" ON "ReceivedSecurityToken"("expiresAt");

-- CreateIndex
CREATE INDEX "SignalStream_connectionId_idx" ON "SignalStream"("connectionId");

