import "server-only";
import type { Prisma } from "@prisma/client";
import { recordAuditEvent, recordAuditEventOrLog, type AuditActor, type AuditEventInput } from "../audit/audit-events";
import type { Db } from "../db";
import { metrics } from "../observability/metrics";
import { revokeAndListFamilies, type RevocationMatch, type RevocationReason } from "./revocation";
import { FAMILY_STATE_CACHE_MS, clearFamilyStateCache } from "./token-families";

/** Who asked for access to end: the IdP (three ways), the organisation's directory, or an administrator. */
export type RevocationSource = "backchannel_logout" | "shared_signals" | "universal_logout" | "directory" | "admin";

/**
 * The IdP's word ends access even when the audit trail cannot take its record (the event is
 * logged as lost, and the IdP is not asked to retry what is done); an administrator's or a
 * directory's revocation commits with its event or not at all (their 503).
 */
const PUSHED_BY_THE_IDP: ReadonlySet<RevocationSource> = new Set(["backchannel_logout", "shared_signals", "universal_logout"]);

export type AccessRevocation = {
  source: RevocationSource;
  reason: RevocationReason;
  match: RevocationMatch;
  actor: AuditActor;
  organisationId: string;
  /** Whose access ends, when the caller knows (an event is then written even if nothing was left to end). */
  targetUserId?: string | null;
  request?: AuditEventInput["request"];
  /** What the source said (an IdP's sid and sub, an event type, a scope): never a token. */
  detail?: Prisma.InputJsonObject;
};

export type RevokedFamily = { id: string; userId: string };

/** Ends access inside the caller's transaction; answers the families it ended. */
export type RevokeAccess = (revocation: AccessRevocation) => Promise<RevokedFamily[]>;

type Transaction = Prisma.TransactionClient;

/** One `access_revoked` event per person concerned, with the families of theirs it ended. */
function revocationEvents(revocation: AccessRevocation, revoked: RevokedFamily[]): AuditEventInput[] {
  const familiesByUser = new Map<string | null, string[]>();
  if (revocation.targetUserId !== undefined) familiesByUser.set(revocation.targetUserId, []);
  for (const family of revoked) familiesByUser.set(family.userId, [...(familiesByUser.get(family.userId) ?? []), family.id]);
  return [...familiesByUser].map(([targetUserId, familyIds]) => ({
    actor: revocation.actor,
    action: "access_revoked",
    targetUserId,
    organisationId: revocation.organisationId,
    detail: { ...revocation.detail, source: revocation.source, reason: revocation.reason, familyIds, revokedFamilies: familyIds.length },
    request: revocation.request,
  }));
}

/**
 * The one way a person's access is ended on someone's word (back-channel logout, Shared
 * Signals, Universal Logout, the directory, an administrator): `work` runs in a transaction and
 * calls `revoke` for each revocation, beside whatever change caused it (disabling the user). On
 * commit this instance forgets its cached verdicts and every other instance refuses within
 * FAMILY_STATE_CACHE_MS: `vsa_time_to_revoke_seconds{source}` records, from `arrivedAt` (when
 * the request asking for it arrived, epoch ms), that latest moment. Every revocation is an
 * `access_revoked` audit event.
 */
export async function withAccessRevocation<T>(db: Db, arrivedAt: number, work: (tx: Transaction, revoke: RevokeAccess) => Promise<T>): Promise<T> {
  const done: AccessRevocation[] = [];
  const afterCommit: AuditEventInput[] = [];
  const result = await db.$transaction((tx) =>
    work(tx, async (revocation) => {
      const revoked = await revokeAndListFamilies(tx, revocation.match, revocation.reason);
      const events = revocationEvents(revocation, revoked);
      if (PUSHED_BY_THE_IDP.has(revocation.source)) afterCommit.push(...events);
      else for (const event of events) await recordAuditEvent(tx, event);
      done.push(revocation);
      return revoked;
    }),
  );
  // At once: a verdict this instance cached while the transaction ran must not outlive it (a
  // rolled-back transaction changed nothing, and leaves the cache as it is).
  clearFamilyStateCache();
  const refusedEverywhereBy = Date.now() + FAMILY_STATE_CACHE_MS;
  for (const revocation of done) metrics.timeToRevokeSeconds.observe({ source: revocation.source }, Math.max(0, refusedEverywhereBy - arrivedAt) / 1000);
  for (const event of afterCommit) await recordAuditEventOrLog(db, event);
  return result;
}

/** withAccessRevocation for a revocation with nothing else to change. */
export function revokeAccess(db: Db, arrivedAt: number, revocation: AccessRevocation): Promise<RevokedFamily[]> {
  return withAccessRevocation(db, arrivedAt, (_tx, revoke) => revoke(revocation));
}
