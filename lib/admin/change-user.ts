import "server-only";
import { recordAuditEvent } from "../audit/audit-events";
import type { Role } from "../roles/roles";
import { withAccessRevocation } from "../sessions/revoke-access";
import type { Db } from "../db";
import type { Env } from "../config/env";
import type { AdminUser } from "./admin-user";
import { idpManagedRoleMessage } from "../roles/idp-role-mapping";
import { inScope } from "../organisations/admin-scope";
import type { UserAdminContext } from "./user-admin-context";
import type { UserChangeRequest } from "./user-change-request";
import { findAdminUser } from "./user-details";

export type UserChangeOutcome =
  | { ok: true; user: AdminUser }
  | { ok: false; code: "not_found" | "last_admin" | "conflict" }
  /** `message` names the claim the identity provider's mapping reads (OIDC_ROLE_CLAIM). */
  | { ok: false; code: "role_managed_by_idp"; message: string };

/**
 * pg_advisory_xact_lock key: every change of a role or of disabled holds it until it commits,
 * on every instance, so "is there another active admin?" is answered with no change in flight.
 * Two admins demoting each other at the same moment: the second waits, then sees the first's
 * commit and is refused. Administrators' changes are rare; serializing them all, in every
 * organisation, costs nothing.
 */
export const USER_ADMIN_LOCK_ID = 7_316_020_002;

const isActiveAdmin = (role: Role, disabled: boolean) => role === "admin" && !disabled;

/**
 * Changes a user's role and/or disables or enables them, by the rules every path shares:
 * only a user within the context's scope (else `not_found`, as for no such user), the version
 * must be the current one (else `conflict`), the user's organisation keeps at least one active
 * admin (else `last_admin`), no manual role while the IdP manages roles (OIDC_ROLE_CLAIM: a
 * sign-in would undo it). Disabling revokes every session and API token of the user in the same
 * transaction, and each change records its audit event there too: if the event cannot be
 * written, nothing changes (the caller's 503).
 * A change to what the user already is succeeds without a new version or an event.
 */
export async function changeUser(
  db: Db,
  userId: string,
  change: UserChangeRequest,
  context: UserAdminContext & Pick<Env, "idpRoleMapping">,
): Promise<UserChangeOutcome> {
  if (change.role !== undefined && context.idpRoleMapping) return { ok: false, code: "role_managed_by_idp", message: idpManagedRoleMessage(context.idpRoleMapping) };
  const outcome = await withAccessRevocation(db, Date.now(), async (tx, revoke): Promise<{ ok: true } | { ok: false; code: "not_found" | "last_admin" | "conflict" }> => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${USER_ADMIN_LOCK_ID}::bigint)`;
    const user = await tx.user.findUnique({ where: { id: userId, ...inScope(context.scope) }, select: { role: true, disabledAt: true, version: true, organisationId: true } });
    if (!user) return { ok: false, code: "not_found" };
    if (user.version !== change.version) return { ok: false, code: "conflict" };
    const wasDisabled = user.disabledAt !== null;
    const role = change.role ?? user.role;
    const disabled = change.disabled ?? wasDisabled;
    if (role === user.role && disabled === wasDisabled) return { ok: true };
    if (isActiveAdmin(user.role, wasDisabled) && !isActiveAdmin(role, disabled)) {
      const otherAdmins = await tx.user.count({ where: { organisationId: user.organisationId, role: "admin", disabledAt: null, id: { not: userId } } });
      if (otherAdmins === 0) return { ok: false, code: "last_admin" };
    }
    await tx.user.update({
      where: { id: userId, organisationId: user.organisationId },
      data: { role, ...(disabled !== wasDisabled ? { disabledAt: disabled ? new Date() : null } : {}), version: { increment: 1 } },
    });
    const event = { actor: context.actor, targetUserId: userId, organisationId: user.organisationId, request: context.request };
    if (role !== user.role) await recordAuditEvent(tx, { ...event, action: "role_changed", detail: { from: user.role, to: role } });
    if (disabled && !wasDisabled) {
      const revoked = await revoke({ source: "admin", reason: "user_disabled", match: { userId }, ...event });
      await recordAuditEvent(tx, { ...event, action: "user_disabled", detail: { revokedFamilies: revoked.length } });
    }
    if (!disabled && wasDisabled) await recordAuditEvent(tx, { ...event, action: "user_enabled" });
    return { ok: true };
  });
  // The role comes with the family check: withAccessRevocation made this instance forget its
  // cached verdicts on commit, whatever changed; the others follow within FAMILY_STATE_CACHE_MS.
  if (!outcome.ok) return outcome;
  const user = await findAdminUser(db, context.scope, userId);
  return user ? { ok: true, user } : { ok: false, code: "not_found" };
}
