import "server-only";
import { recordAuditEvent } from "../audit/audit-events";
import { revokeFamilies } from "../sessions/revocation";
import { clearFamilyStateCache } from "../sessions/token-families";
import { isFamilyOfUser } from "../sessions/user-families";
import type { Db } from "../db";
import { inScope } from "../organisations/admin-scope";
import type { UserAdminContext } from "./user-admin-context";

export type SessionRevocationOutcome = { ok: true; revoked: number } | { ok: false; code: "not_found" };

/**
 * An administrator ends one of a user's sessions or API tokens (`familyId`; a browser
 * sign-in takes the API tokens created from it along), or all of them ("sign out
 * everywhere"). `revoked` counts the families ended now. A user outside the context's scope is
 * `not_found`, as one that does not exist. The audit event is written in the same
 * transaction: no event, no revocation.
 */
export async function revokeUserSessions(db: Db, userId: string, familyId: string | undefined, context: UserAdminContext): Promise<SessionRevocationOutcome> {
  const outcome = await db.$transaction(async (tx): Promise<SessionRevocationOutcome> => {
    const user = await tx.user.findUnique({ where: { id: userId, ...inScope(context.scope) }, select: { organisationId: true } });
    if (!user) return { ok: false, code: "not_found" };
    if (familyId !== undefined && !(await isFamilyOfUser(tx, familyId, userId))) return { ok: false, code: "not_found" };
    const revoked = await revokeFamilies(tx, familyId !== undefined ? { ids: [familyId] } : { userId }, "admin_revoked");
    await recordAuditEvent(tx, {
      actor: context.actor,
      action: "sessions_revoked",
      targetUserId: userId,
      organisationId: user.organisationId,
      detail: { scope: familyId !== undefined ? "one" : "all", familyId: familyId ?? null, revokedFamilies: revoked },
      request: context.request,
    });
    return { ok: true, revoked };
  });
  clearFamilyStateCache();
  return outcome;
}
