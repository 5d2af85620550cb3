import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, beforeEach, describe, expect, inject, it } from "vitest";
import { ID_TOKEN_CLOCK_SKEW_SECONDS } from "@/lib/oidc/verify-id-token";
import { createDb } from "@/lib/db";
import { PRUNE_LOCK_ID, pruneExpiredData } from "@/lib/maintenance/prune";

const databaseUrl = inject("databaseUrl");
const db = createDb(databaseUrl, inject("poolMax"));
// A second app instance: its own connections on a real server; the embedded database
// serves one instance, so there both share the single connection (setup-embedded.ts).
const otherInstance = inject("multipleInstances") ? createDb(databaseUrl, inject("poolMax")) : db;
afterAll(async () => {
  await db.$disconnect();
  if (otherInstance !== db) await otherInstance.$disconnect();
});

const RETENTION_DAYS = 30;
const AUDIT_RETENTION_DAYS = 365;
const DAY = 86_400_000;
const daysFromNow = (days: number) => new Date(Date.now() + days * DAY);
const retention = { retentionDays: RETENTION_DAYS, auditRetentionDays: AUDIT_RETENTION_DAYS };

async function newUser() {
  return db.user.create({ data: { email: `${randomUUID()}@example.test` }, select: { id: true } });
}

async function family(userId: string, data: { expiresAt: Date; revokedAt?: Date; parentId?: string; kind?: "browser" | "api" }) {
  const { id } = await db.tokenFamily.create({ data: { kind: data.parentId ? "api" : "browser", userId, ...data }, select: { id: true } });
  return id;
}

async function refreshToken(userId: string, familyId: string, data: { expiresAt: Date; spentAt?: Date }) {
  const { id } = await db.refreshToken.create({ data: { tokenHash: randomUUID(), userId, familyId, ...data }, select: { id: true } });
  return id;
}

const familyExists = async (id: string) => (await db.tokenFamily.count({ where: { id } })) === 1;
const refreshTokenExists = async (id: string) => (await db.refreshToken.count({ where: { id } })) === 1;

describe("pruneExpiredData", () => {
  beforeEach(async () => {
    // Start from nothing left to prune, so the counts below are exactly this test's rows.
    expect(await pruneExpiredData(db, { ...retention, force: true })).toMatchObject({ ok: true });
  });

  it("deletes rows that ended past the retention and keeps everything still needed", async () => {
    const { id: userId } = await newUser();
    const expiredLongAgo = await family(userId, { expiresAt: daysFromNow(-31) });
    const revokedLongAgo = await family(userId, { expiresAt: daysFromNow(59), revokedAt: daysFromNow(-31), kind: "api" });
    const revokedRecently = await family(userId, { expiresAt: daysFromNow(59), revokedAt: daysFromNow(-1), kind: "api" });
    const expiredRecently = await family(userId, { expiresAt: daysFromNow(-29) });
    const live = await family(userId, { expiresAt: daysFromNow(1) });
    const justPastRetention = await family(userId, { expiresAt: new Date(Date.now() - RETENTION_DAYS * DAY - 60_000) });
    const justWithinRetention = await family(userId, { expiresAt: new Date(Date.now() - RETENTION_DAYS * DAY + 60_000) });

    const unspentExpiredLongAgo = await refreshToken(userId, live, { expiresAt: daysFromNow(-31) });
    // Presenting a spent token revokes its family: a live family's spent tokens stay however old.
    const spentOfLiveFamily = await refreshToken(userId, live, { expiresAt: daysFromNow(-31), spentAt: daysFromNow(-60) });
    const spentOfEndedFamily = await refreshToken(userId, revokedRecently, { expiresAt: daysFromNow(-31), spentAt: daysFromNow(-60) });
    const expiredRecentlyToken = await refreshToken(userId, live, { expiresAt: daysFromNow(-29) });
    const liveToken = await refreshToken(userId, live, { expiresAt: daysFromNow(29) });

    // A logout token is still accepted for the verification's clock tolerance past its exp:
    // its jti must outlive that, or a replay in between would be acted on again.
    const logoutJti = { expired: `jti-${randomUUID()}`, withinTolerance: `jti-${randomUUID()}`, live: `jti-${randomUUID()}` };
    await db.backchannelLogoutToken.createMany({
      data: [
        { jti: logoutJti.expired, expiresAt: new Date(Date.now() - (ID_TOKEN_CLOCK_SKEW_SECONDS + 60) * 1000) },
        { jti: logoutJti.withinTolerance, expiresAt: new Date(Date.now() - 1000) },
        { jti: logoutJti.live, expiresAt: daysFromNow(1) },
      ],
    });
    const securityIssuer = `https://transmitter-${randomUUID()}.example`;
    await db.receivedSecurityToken.createMany({ data: [{ sender: securityIssuer, jti: "kept-past", expiresAt: new Date(Date.now() - 1000) }, { sender: securityIssuer, jti: "kept", expiresAt: daysFromNow(1) }] });
    const counter = { ended: `login:${randomUUID()}`, running: `login:${randomUUID()}` };
    await db.rateLimit.createMany({ data: [{ key: counter.ended, points: 3, expire: BigInt(Date.now() - 1) }, { key: counter.running, points: 3, expire: BigInt(Date.now() + 60_000) }] });

    // The audit trail has its own, longer retention: events of a user deleted long ago stay.
    const auditMarker = `prune-${randomUUID()}`;
    const auditEvent = async (createdAt: Date) =>
      (await db.auditEvent.create({ data: { actor: "system", action: "sign_out", requestId: auditMarker, createdAt }, select: { id: true } })).id;
    const auditPastRetention = await auditEvent(new Date(Date.now() - AUDIT_RETENTION_DAYS * DAY - 60_000));
    const auditWithinRetention = await auditEvent(new Date(Date.now() - AUDIT_RETENTION_DAYS * DAY + 60_000));
    const auditOlderThanDataRetention = await auditEvent(daysFromNow(-31));

    const outcome = await pruneExpiredData(db, { ...retention, force: true });
    expect(outcome).toEqual({ ok: true, deleted: { tokenFamilies: 3, refreshTokens: 2, backchannelLogoutTokens: 1, securityEventTokens: 1, rateLimitCounters: 1, auditEvents: 1 } });
    expect((await db.receivedSecurityToken.findMany({ where: { sender: securityIssuer }, select: { jti: true } })).map((row) => row.jti)).toEqual(["kept"]);

    expect(await familyExists(expiredLongAgo)).toBe(false);
    expect(await familyExists(revokedLongAgo)).toBe(false);
    expect(await familyExists(justPastRetention)).toBe(false);
    for (const kept of [revokedRecently, expiredRecently, live, justWithinRetention]) expect(await familyExists(kept)).toBe(true);
    expect(await refreshTokenExists(unspentExpiredLongAgo)).toBe(false);
    expect(await refreshTokenExists(spentOfEndedFamily)).toBe(false);
    for (const kept of [spentOfLiveFamily, expiredRecentlyToken, liveToken]) expect(await refreshTokenExists(kept)).toBe(true);
    const keptJtis = await db.backchannelLogoutToken.findMany({ where: { jti: { in: Object.values(logoutJti) } }, select: { jti: true } });
    expect(keptJtis.map(({ jti }) => jti).sort()).toEqual([logoutJti.withinTolerance, logoutJti.live].sort());
    expect(await db.rateLimit.findMany({ where: { key: { in: Object.values(counter) } }, select: { key: true } })).toEqual([{ key: counter.running }]);
    const keptEvents = await db.auditEvent.findMany({ where: { requestId: auditMarker }, select: { id: true } });
    expect(keptEvents.map(({ id }) => id).sort()).toEqual([auditWithinRetention, auditOlderThanDataRetention].sort());
    expect(keptEvents.map(({ id }) => id)).not.toContain(auditPastRetention);
  });

  it("deletes audit events by AUDIT_RETENTION_DAYS, whatever DATA_RETENTION_DAYS says", async () => {
    const weekOfAudit = { retentionDays: 3650, auditRetentionDays: 7, force: true };
    // Older events of other tests go first, so the count below is exactly this test's.
    expect(await pruneExpiredData(db, weekOfAudit)).toMatchObject({ ok: true });
    const marker = `prune-${randomUUID()}`;
    await db.auditEvent.createMany({
      data: [daysFromNow(-8), daysFromNow(-6), daysFromNow(-1)].map((createdAt) => ({ actor: "system", action: "sign_in_refused", requestId: marker, createdAt })),
    });
    expect(await pruneExpiredData(db, weekOfAudit)).toMatchObject({ ok: true, deleted: { auditEvents: 1 } });
    expect(await db.auditEvent.count({ where: { requestId: marker } })).toBe(2);
  });

  it("keeps a sign-in that ended long ago while an API token created from it lives on", async () => {
    const { id: userId } = await newUser();
    const expiredSignIn = await family(userId, { expiresAt: daysFromNow(-40) });
    const liveApiToken = await family(userId, { expiresAt: daysFromNow(50), parentId: expiredSignIn });
    const liveApiTokenRefresh = await refreshToken(userId, liveApiToken, { expiresAt: daysFromNow(20) });
    const revokedSignIn = await family(userId, { expiresAt: daysFromNow(-40), revokedAt: daysFromNow(-40) });
    const revokedApiToken = await family(userId, { expiresAt: daysFromNow(50), revokedAt: daysFromNow(-40), parentId: revokedSignIn });

    const outcome = await pruneExpiredData(db, { ...retention, force: true });
    expect(outcome).toMatchObject({ ok: true, deleted: { tokenFamilies: 2 } });
    expect(await familyExists(expiredSignIn)).toBe(true);
    expect(await familyExists(liveApiToken)).toBe(true);
    expect(await refreshTokenExists(liveApiTokenRefresh)).toBe(true);
    // Both ended long ago: the parent goes, and its child with it.
    expect(await familyExists(revokedSignIn)).toBe(false);
    expect(await familyExists(revokedApiToken)).toBe(false);

    // Once the API token has ended that long ago too, both go.
    await db.tokenFamily.update({ where: { id: liveApiToken }, data: { revokedAt: daysFromNow(-31) } });
    expect(await pruneExpiredData(db, { ...retention, force: true })).toMatchObject({ ok: true, deleted: { tokenFamilies: 2 } });
    expect(await familyExists(expiredSignIn)).toBe(false);
    expect(await refreshTokenExists(liveApiTokenRefresh)).toBe(false);
  });

  it("runs at most hourly unless forced, by the last run recorded in the database, whichever instance made it", async () => {
    const now = Date.now();
    expect(await pruneExpiredData(otherInstance, { ...retention, now: new Date(now + 1000) })).toEqual({ ok: false, code: "ran_recently" });
    expect(await pruneExpiredData(db, { ...retention, now: new Date(now + 59 * 60_000) })).toEqual({ ok: false, code: "ran_recently" });
    expect(await pruneExpiredData(db, { ...retention, force: true })).toMatchObject({ ok: true });
    expect(await pruneExpiredData(otherInstance, { ...retention, now: new Date(now + 61 * 60_000) })).toMatchObject({ ok: true });
  });

  it("runs once when several instances try at the same time", async () => {
    await db.maintenanceRun.deleteMany({ where: { task: "prune" } });
    const outcomes = await Promise.all([db, otherInstance, db, otherInstance].map((instance) => pruneExpiredData(instance, retention)));
    expect(outcomes.filter((outcome) => outcome.ok)).toHaveLength(1);
    for (const outcome of outcomes.filter((o) => !o.ok)) expect(["already_running", "ran_recently"]).toContain(!outcome.ok && outcome.code);
  });

  // Only a second connection can hold the lock while a prune runs; the embedded database
  // serves a single connection (setup-embedded.ts), where the transaction alone serializes.
  if (inject("multipleInstances")) {
    it("does nothing, even forced, while another instance holds the lock", async () => {
      const holder = new pg.Client({ connectionString: databaseUrl });
      await holder.connect();
      try {
        await holder.query("SELECT pg_advisory_lock($1::bigint)", [PRUNE_LOCK_ID]);
        expect(await pruneExpiredData(db, { ...retention, force: true })).toEqual({ ok: false, code: "already_running" });
        await holder.query("SELECT pg_advisory_unlock($1::bigint)", [PRUNE_LOCK_ID]);
        expect(await pruneExpiredData(db, { ...retention, force: true })).toMatchObject({ ok: true });
      } finally {
        await holder.end();
      }
    });
  }
});
