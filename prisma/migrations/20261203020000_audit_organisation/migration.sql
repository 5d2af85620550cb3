-- Nobody crosses organisations (issue 15): an audit event belongs to an organisation, whose
-- admins see it (the admins of the operator organisation see every event), and the admins of
-- an organisation list its users only.
-- (No semicolon in these comments: the migration runner splits the script at every one.)

-- AlterTable
ALTER TABLE "AuditEvent" ADD COLUMN     "organisationId" TEXT;

-- Written by hand: the events recorded before this column existed. An event about a user who
-- still exists belongs to the organisation of that user. An event about an organisation, its
-- domains or its connections names the organisation in its detail. Everything else (events
-- from before organisations, about users since deleted) belongs to the operator organisation.
UPDATE "AuditEvent" e SET "organisationId" = u."organisationId"
FROM "User" u
WHERE e."targetUserId" = u.id;

UPDATE "AuditEvent" SET "organisationId" = COALESCE("detail"->>'organisationId', 'operator')
WHERE "organisationId" IS NULL;

-- CreateIndex
CREATE INDEX "User_organisationId_createdAt_id_idx" ON "User"("organisationId", "createdAt", "id");

-- CreateIndex
CREATE INDEX "AuditEvent_organisationId_createdAt_id_idx" ON "AuditEvent"("organisationId", "createdAt", "id");
