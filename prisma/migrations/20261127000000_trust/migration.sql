-- Token families get a server-side absolute expiry. Existing rows: a browser sign-in ends 12
-- hours (the default SESSION_ABSOLUTE_LIFETIME_HOURS) after it began, an API token family
-- 90 days (the default API_TOKEN_FAMILY_MAX_DAYS) after it was created.
ALTER TABLE "TokenFamily" ADD COLUMN "expiresAt" TIMESTAMP(3);
UPDATE "TokenFamily" SET "expiresAt" = CASE
  WHEN "kind" = 'browser' THEN "createdAt" + INTERVAL '12 hours'
  ELSE "createdAt" + INTERVAL '90 days'
END;
ALTER TABLE "TokenFamily" ALTER COLUMN "expiresAt" SET NOT NULL;

-- CreateTable
CREATE TABLE "BackchannelLogoutToken" (
    "jti" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "BackchannelLogoutToken_pkey" PRIMARY KEY ("jti")
);

-- CreateTable
CREATE TABLE "RateLimit" (
    "key" VARCHAR(255) NOT NULL,
    "points" INTEGER NOT NULL DEFAULT 0,
    "expire" BIGINT,

    CONSTRAINT "RateLimit_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "MaintenanceRun" (
    "task" TEXT NOT NULL,
    "lastRunAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "MaintenanceRun_pkey" PRIMARY KEY ("task")
);

-- CreateIndex
CREATE INDEX "BackchannelLogoutToken_expiresAt_idx" ON "BackchannelLogoutToken"("expiresAt");

-- CreateIndex
CREATE INDEX "RateLimit_expire_idx" ON "RateLimit"("expire");

-- CreateIndex
CREATE INDEX "TokenFamily_expiresAt_idx" ON "TokenFamily"("expiresAt");

-- CreateIndex
CREATE INDEX "TokenFamily_revokedAt_idx" ON "TokenFamily"("revokedAt");

-- CreateIndex
CREATE INDEX "RefreshToken_expiresAt_idx" ON "RefreshToken"("expiresAt");
