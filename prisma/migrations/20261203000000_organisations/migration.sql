-- Organisations (issue 15): every customer company signs in through its own connections, and
-- every user belongs to exactly one organisation. Existing users and sign-ins become the
-- operator organisation's and the environment connection's ("oidc"), so a deployment with one
-- organisation behaves as before.

-- DropIndex
DROP INDEX "User_email_key";

-- DropIndex
DROP INDEX "TokenFamily_idpSessionId_idx";

-- DropIndex
DROP INDEX "TokenFamily_idpSubject_idx";

-- AlterTable
ALTER TABLE "User" ADD COLUMN     "organisationId" TEXT NOT NULL DEFAULT 'operator';

-- AlterTable
ALTER TABLE "TokenFamily" ADD COLUMN     "connectionId" TEXT NOT NULL DEFAULT 'oidc';

-- CreateTable
CREATE TABLE "Organisation" (
    "id" TEXT NOT NULL,
    "slug" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "isOperator" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Organisation_pkey" PRIMARY KEY ("id")
);

-- The operator organisation, which every existing user joins (the User column's default).
INSERT INTO "Organisation" ("id", "slug", "name", "isOperator", "updatedAt")
VALUES ('operator', 'default', 'Default organisation', true, CURRENT_TIMESTAMP);

-- CreateTable
CREATE TABLE "OrganisationDomain" (
    "id" TEXT NOT NULL,
    "organisationId" TEXT NOT NULL,
    "domain" TEXT NOT NULL,
    "verificationToken" TEXT NOT NULL,
    "verifiedAt" TIMESTAMP(3),
    "verifiedBy" TEXT,
    "lastCheckedAt" TIMESTAMP(3),
    "lastCheckOutcome" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "OrganisationDomain_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Connection" (
    "id" TEXT NOT NULL,
    "organisationId" TEXT NOT NULL,
    "displayName" TEXT NOT NULL,
    "issuer" TEXT NOT NULL,
    "clientId" TEXT NOT NULL,
    "clientSecretSealed" TEXT NOT NULL,
    "scopes" TEXT NOT NULL DEFAULT 'openid email profile',
    "roleClaim" TEXT,
    "roleMap" JSONB,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "version" INTEGER NOT NULL DEFAULT 1,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "lastSignInAt" TIMESTAMP(3),
    "lastRefusalAt" TIMESTAMP(3),
    "lastRefusalCode" TEXT,

    CONSTRAINT "Connection_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ConnectionDomain" (
    "connectionId" TEXT NOT NULL,
    "domainId" TEXT NOT NULL,

    CONSTRAINT "ConnectionDomain_pkey" PRIMARY KEY ("connectionId","domainId")
);

-- CreateIndex
CREATE UNIQUE INDEX "Organisation_slug_key" ON "Organisation"("slug");

-- CreateIndex
CREATE INDEX "OrganisationDomain_domain_idx" ON "OrganisationDomain"("domain");

-- CreateIndex
CREATE UNIQUE INDEX "OrganisationDomain_organisationId_domain_key" ON "OrganisationDomain"("organisationId", "domain");

-- CreateIndex
CREATE INDEX "Connection_organisationId_idx" ON "Connection"("organisationId");

-- CreateIndex
CREATE UNIQUE INDEX "Connection_issuer_clientId_key" ON "Connection"("issuer", "clientId");

-- CreateIndex
CREATE INDEX "ConnectionDomain_domainId_idx" ON "ConnectionDomain"("domainId");

-- CreateIndex
CREATE UNIQUE INDEX "User_organisationId_email_key" ON "User"("organisationId", "email");

-- CreateIndex
CREATE INDEX "TokenFamily_connectionId_idpSessionId_idx" ON "TokenFamily"("connectionId", "idpSessionId");

-- CreateIndex
CREATE INDEX "TokenFamily_connectionId_idpSubject_idx" ON "TokenFamily"("connectionId", "idpSubject");

-- AddForeignKey
ALTER TABLE "User" ADD CONSTRAINT "User_organisationId_fkey" FOREIGN KEY ("organisationId") REFERENCES "Organisation"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OrganisationDomain" ADD CONSTRAINT "OrganisationDomain_organisationId_fkey" FOREIGN KEY ("organisationId") REFERENCES "Organisation"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Connection" ADD CONSTRAINT "Connection_organisationId_fkey" FOREIGN KEY ("organisationId") REFERENCES "Organisation"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ConnectionDomain" ADD CONSTRAINT "ConnectionDomain_connectionId_fkey" FOREIGN KEY ("connectionId") REFERENCES "Connection"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ConnectionDomain" ADD CONSTRAINT "ConnectionDomain_domainId_fkey" FOREIGN KEY ("domainId") REFERENCES "OrganisationDomain"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- Written by hand (Prisma's schema cannot describe partial indexes).
--
-- One operator organisation at most: its admins administer every organisation.
CREATE UNIQUE INDEX "Organisation_one_operator_key" ON "Organisation" ("isOperator") WHERE "isOperator";

-- Several organisations may claim a domain (each sees its own token), but only one can prove
-- it: the home-realm lookup and the email-domain rule read verified rows only.
CREATE UNIQUE INDEX "OrganisationDomain_verified_domain_key" ON "OrganisationDomain" ("domain") WHERE "verifiedAt" IS NOT NULL;
