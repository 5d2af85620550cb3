import "server-only";
import type { Db } from "../db";
import { pruneEndedSessions } from "../sessions/prune-ended-sessions";

/** The "MaintenanceRun" row of this task. */
const PRUNE_TASK = "prune";
const PRUNE_AT_MOST_EVERY_MS = 3_600_000;
/** pg_try_advisory_xact_lock key: the same constant on every instance, used for nothing else. */
export const PRUNE_LOCK_ID = 7_316_020_001;

export type PruneCounts = { tokenFamilies: number; refreshTokens: number; backchannelLogoutTokens: number; securityEventTokens: number; rateLimitCounters: number; auditEvents: number };

export type PruneOutcome = { ok: true; deleted: PruneCounts } | { ok: false; code: "already_running" | "ran_recently" };

export type PruneOptions = {
  /** DATA_RETENTION_DAYS: how long ended families and expired refresh tokens are kept. */
  retentionDays: number;
  /** AUDIT_RETENTION_DAYS: how long audit events are kept (the only deletion of the append-only trail). */
  auditRetentionDays: number;
  /** Run even if a prune ran within the hour (npm run db:prune); the lock still applies. */
  force?: boolean;
  now?: Date;
};

/**
 * Deletes what no check needs any more, in one transaction, on one instance at a time (an
 * advisory lock that ends with the transaction) and at most hourly across all instances
 * (the "MaintenanceRun" row), unless forced:
 * - token families that ended (revoked, or past their absolute expiry) more than the
 *   retention ago, except those with a descendant that has not: deleting a family cascades
 *   to the families created from it, and an expired browser sign-in may still have live
 *   API tokens;
 * - refresh tokens that expired more than the retention ago, except spent ones of a family
 *   still alive: presenting a spent token revokes its family, and that check needs the row;
 * - back-channel logout `jti`s once their token is past `exp` and the clock tolerance its
 *   verification allows, when a replay fails on `exp` anyway;
 * - Shared Signals and Universal Logout `jti`s past their keeping (their `iat` or `exp` refuses a replay then);
 * - rate-limit counters whose window has ended;
 * - audit events older than the audit retention: nothing else in the app deletes or updates
 *   one (tests/unit/audit-append-only.test.ts holds every module to that).
 */
export async function pruneExpiredData(db: Db, { retentionDays, auditRetentionDays, force = false, now = new Date() }: PruneOptions): Promise<PruneOutcome> {
  const cutoff = new Date(now.getTime() - retentionDays * 86_400_000);
  const auditCutoff = new Date(now.getTime() - auditRetentionDays * 86_400_000);
  return db.$transaction(
    async (tx): Promise<PruneOutcome> => {
      const [lock] = await tx.$queryRaw<{ locked: boolean }[]>`SELECT pg_try_advisory_xact_lock(${PRUNE_LOCK_ID}::bigint) AS locked`;
      if (!lock?.locked) return { ok: false, code: "already_running" };
      const lastRun = await tx.maintenanceRun.findUnique({ where: { task: PRUNE_TASK } });
      if (!force && lastRun && now.getTime() - lastRun.lastRunAt.getTime() < PRUNE_AT_MOST_EVERY_MS) return { ok: false, code: "ran_recently" };

      const { tokenFamilies, refreshTokens, backchannelLogoutTokens } = await pruneEndedSessions(tx, { cutoff, now });
      const securityEventTokens = await tx.receivedSecurityToken.deleteMany({ where: { expiresAt: { lt: now } } });
      const rateLimitCounters = await tx.rateLimit.deleteMany({ where: { expire: { lt: BigInt(now.getTime()) } } });
      const auditEvents = await tx.auditEvent.deleteMany({ where: { createdAt: { lt: auditCutoff } } });

      await tx.maintenanceRun.upsert({ where: { task: PRUNE_TASK }, create: { task: PRUNE_TASK, lastRunAt: now }, update: { lastRunAt: now } });
      return {
        ok: true,
        deleted: {
          tokenFamilies,
          refreshTokens,
          backchannelLogoutTokens,
          securityEventTokens: securityEventTokens.count,
          rateLimitCounters: rateLimitCounters.count,
          auditEvents: auditEvents.count,
        },
      };
    },
    // A first prune of a large backlog may take a while; the default 5 s would abort it.
    { maxWait: 10_000, timeout: 300_000 },
  );
}

export function formatPruneCounts({ tokenFamilies, refreshTokens, backchannelLogoutTokens, securityEventTokens, rateLimitCounters, auditEvents }: PruneCounts): string {
  return `${tokenFamilies} token families, ${refreshTokens} refresh tokens, ${backchannelLogoutTokens} back-channel logout tokens, ${securityEventTokens} security event tokens, ${rateLimitCounters} rate-limit counters, ${auditEvents} audit events`;
}
