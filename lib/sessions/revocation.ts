import "server-only";
import type { Prisma } from "@prisma/client";
import type { Db } from "../db";
import { metrics } from "../observability/metrics";
import { clearFamilyStateCache } from "./token-families";

export type RevocationReason =
  | "logout"
  | "logout_everywhere"
  | "backchannel_logout"
  | "refresh_token_reused"
  /** The IdP refused to renew the sign-in (`invalid_grant`). */
  | "idp_refresh_failed"
  /** The IdP kept rejecting renewal (another 4xx, an invalid ID token) past IDP_RENEWAL_REJECTED_GRACE_MS. */
  | "idp_refresh_rejected"
  /** An administrator (console, API or CLI) disabled the user. */
  | "user_disabled"
  /** The organisation's directory deactivated or deleted the user (SCIM). */
  | "user_deprovisioned"
  /** An administrator ended this session or token, or all of the user's. */
  | "admin_revoked"
  /** The IdP's Shared Signals transmitter said the person's session ended (CAEP session-revoked). */
  | "idp_session_revoked"
  /** The IdP's transmitter disabled the account (RISC account-disabled). */
  | "idp_account_disabled"
  /** The IdP's transmitter asks for new credentials (RISC credential-change-required). */
  | "idp_credential_change_required"
  /** Okta's Universal Logout (global token revocation). */
  | "universal_logout";

/** `idpSessionId` and `idpSubject` are the IdP's, so they match only within `connectionId`'s sign-ins. */
/** `ofConnection`: every sign-in through that connection (an admin disabling it ends them). */
export type RevocationMatch = { ids?: string[]; userId?: string; ofConnection?: string } & (
  | { connectionId?: never; idpSessionId?: never; idpSubject?: never }
  | { connectionId: string; idpSessionId?: string; idpSubject?: string }
);

/**
 * The one revocation rule: a family ends with every family created from it (an API token
 * with the browser sign-in it came from), matched by id, by user, or by the IdP's session or
 * subject (back-channel logout). This instance forgets its cached verdicts at once; others
 * within FAMILY_STATE_CACHE_MS. Answers how many families it ended. `db` may be a transaction:
 * the revocation then commits with the change that caused it (clear the cache again after it).
 */
export async function revokeFamilies(db: Pick<Db, "tokenFamily">, where: RevocationMatch, reason: RevocationReason): Promise<number> {
  return (await revokeAndListFamilies(db, where, reason)).length;
}

/** revokeFamilies, answering which families it ended and whose (for the audit trail). */
export async function revokeAndListFamilies(db: Pick<Db, "tokenFamily">, where: RevocationMatch, reason: RevocationReason): Promise<{ id: string; userId: string }[]> {
  const filters: Prisma.TokenFamilyWhereInput[] = [];
  if (where.ids) filters.push({ id: { in: where.ids } }, { parentId: { in: where.ids } });
  if (where.userId) filters.push({ userId: where.userId });
  if (where.ofConnection) filters.push({ connectionId: where.ofConnection }, { parent: { connectionId: where.ofConnection } });
  // Back-channel logout: a sid names one IdP session (of that sub, when both are given); a
  // sign-in recorded without a sid can only be matched by its sub.
  const idpMatches: Prisma.TokenFamilyWhereInput[] = [];
  const connectionId = where.connectionId;
  if (where.idpSessionId) {
    idpMatches.push({ connectionId, idpSessionId: where.idpSessionId, ...(where.idpSubject ? { idpSubject: where.idpSubject } : {}) });
    if (where.idpSubject) idpMatches.push({ connectionId, idpSessionId: null, idpSubject: where.idpSubject });
  } else if (where.idpSubject) {
    idpMatches.push({ connectionId, idpSubject: where.idpSubject });
  }
  for (const match of idpMatches) filters.push(match, { parent: match });
  if (filters.length === 0) return [];
  const revoked = await db.tokenFamily.updateManyAndReturn({
    where: { revokedAt: null, OR: filters },
    data: { revokedAt: new Date(), revokedReason: reason },
    select: { id: true, userId: true },
  });
  clearFamilyStateCache();
  if (revoked.length > 0) metrics.revocations.inc({ reason }, revoked.length);
  return revoked;
}
