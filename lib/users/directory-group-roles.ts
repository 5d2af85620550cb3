import "server-only";
import type { Prisma } from "@prisma/client";
import { recordAuditEvent, type AuditActor, type AuditEventInput } from "../audit/audit-events";
import type { Db } from "../db";
import { mostPrivilegedRole, type Role } from "../roles/roles";

type Transaction = Prisma.TransactionClient;

/**
 * Groups → roles: when an organisation maps any directory group to a role, each of its
 * provisioned users has the most privileged role of the mapped groups they are in, or viewer
 * in none. Applied to `userIds` (whose memberships just changed) in the caller's transaction,
 * each change on the audit trail (role_changed, source directory_group). Answers how many
 * roles changed. The caller clears the family-check cache after its commit (roles ride with it).
 */
export async function applyGroupRoles(tx: Transaction, organisationId: string, userIds: readonly string[], actor: AuditActor, request?: AuditEventInput["request"]): Promise<number> {
  if (userIds.length === 0) return 0;
  const mappings = await tx.directoryGroupRole.findMany({ where: { organisationId }, select: { displayNameLower: true, role: true } });
  if (mappings.length === 0) return 0;
  const roleOfGroup = new Map(mappings.map((mapping) => [mapping.displayNameLower, mapping.role as Role]));
  const users = await tx.user.findMany({
    where: { id: { in: [...userIds] }, organisationId, scimUserNameLower: { not: null } },
    select: { id: true, role: true, directoryGroups: { select: { group: { select: { displayNameLower: true } } } } },
  });
  let changed = 0;
  for (const user of users) {
    const role = mostPrivilegedRole(user.directoryGroups.map(({ group }) => roleOfGroup.get(group.displayNameLower)));
    if (role === user.role) continue;
    await tx.user.update({ where: { id: user.id }, data: { role, version: { increment: 1 } } });
    await recordAuditEvent(tx, { actor, action: "role_changed", targetUserId: user.id, organisationId, detail: { from: user.role, to: role, source: "directory_group" }, request });
    changed++;
  }
  return changed;
}

/**
 * Sets (or, with null, removes) the role an organisation gives a directory group's members, by
 * the group's name, then applies the rule to every provisioned user of the organisation (the
 * CLI's group-role). Answers how many roles changed; instances see them within their
 * family-check cache (a caller in an app process clears its own after this).
 */
export async function setDirectoryGroupRole(db: Db, organisationId: string, groupName: string, role: Role | null, actor: AuditActor): Promise<{ ok: true; rolesChanged: number } | { ok: false; code: string; message: string }> {
  const displayNameLower = groupName.trim().toLowerCase();
  if (displayNameLower.length === 0 || displayNameLower.length > 256) return { ok: false, code: "invalid_request", message: "a group's name is 1 to 256 characters" };
  const rolesChanged = await db.$transaction(async (tx) => {
    if (role) await tx.directoryGroupRole.upsert({ where: { organisationId_displayNameLower: { organisationId, displayNameLower } }, create: { organisationId, displayNameLower, role }, update: { role } });
    else await tx.directoryGroupRole.deleteMany({ where: { organisationId, displayNameLower } });
    await recordAuditEvent(tx, { actor, action: "directory_group_role_set", organisationId, detail: { group: displayNameLower, role } });
    const provisioned = await tx.user.findMany({ where: { organisationId, scimUserNameLower: { not: null } }, select: { id: true } });
    return applyGroupRoles(tx, organisationId, provisioned.map((user) => user.id), actor);
  });
  return { ok: true, rolesChanged };
}
