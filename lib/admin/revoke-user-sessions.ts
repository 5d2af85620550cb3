import "server-only";
import { withAccessRevocation } from "../sessions/revoke-access";
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
  return withAccessRevocation(db, Date.now(), async (tx, revoke): Promise<SessionRevocationOutcome> => {
    const user = await tx.user.findUnique({ where: { id: userId, ...inScope(context.scope) }, select: { organisationId: true } });
    if (!user) return { ok: false, code: "not_found" };
    if (familyId !== undefined && !(await isFamilyOfUser(tx, familyId, userId))) return { ok: false, code: "not_found" };
    const revoked = await revoke({
      source: "admin",
      reason: "admin_revoked",
      match: familyId !== undefined ? { ids: [familyId] } : { userId },
      actor: context.actor,
      organisationId: user.organisationId,
      targetUserId: userId,
      request: context.request,
      detail: { scope: familyId !== undefined ? "one" : "all", familyId: familyId ?? null },
    });
    return { ok: true, revoked: revoked.length };
  });
}
