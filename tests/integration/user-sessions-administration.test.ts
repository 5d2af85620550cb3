import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createApiTokens } from "@/lib/sessions/api-tokens";
import { LAST_USED_RESOLUTION_MS, clearFamilyStateCache, getFamilyState } from "@/lib/sessions/token-families";
import { countActiveFamilies, listActiveFamilies } from "@/lib/sessions/user-families";
import { createDb } from "@/lib/db";
import { changeUser } from "@/lib/admin/change-user";
import { revokeUserSessions } from "@/lib/admin/revoke-user-sessions";
import { adminContext, browserSignIn, inHours, sidelineActiveAdmins, signedUpUser } from "../support/user-fixtures";
import { envWithApiTokenKey } from "../support/api-token-env";

const databaseUrl = inject("databaseUrl");
const db = createDb(databaseUrl, inject("poolMax"));
const env = await envWithApiTokenKey(databaseUrl, "user-sessions");
let restoreAdmins: () => Promise<void>;
let adminId: string;

beforeAll(async () => {
  restoreAdmins = await sidelineActiveAdmins(db);
  adminId = (await signedUpUser(db, "sessions-admin", "admin")).id;
});

afterAll(async () => {
  await restoreAdmins();
  await db.$disconnect();
});

/** A user signed in twice in browsers, with an API token created from the first sign-in. */
async function userWithSessions(label: string) {
  const user = await signedUpUser(db, label);
  const first = await browserSignIn(db, user.id);
  const second = await browserSignIn(db, user.id);
  await createApiTokens(db, env, { userId: user.id, role: user.role, familyId: first.id, via: "cookie", email: user.email, name: user.name, expiresAt: 0 });
  const apiToken = (await db.tokenFamily.findFirstOrThrow({ where: { userId: user.id, kind: "api" } })).id;
  return { user, first: first.id, second: second.id, apiToken };
}

const revocationsOf = (userId: string) => db.tokenFamily.findMany({ where: { userId }, select: { id: true, revokedAt: true, revokedReason: true } });

describe("disabling a user", () => {
  it("revokes every session and API token of theirs at once, in the same transaction as the change", async () => {
    const { user, first, second, apiToken } = await userWithSessions("disable-all");
    expect((await countActiveFamilies(db, [user.id])).get(user.id)).toEqual({ sessions: 2, apiTokens: 1 });
    const outcome = await changeUser(db, user.id, { disabled: true, version: user.version }, adminContext(adminId));
    expect(outcome).toMatchObject({ ok: true, user: { status: "disabled", activeSessions: 0, activeApiTokens: 0 } });
    const families = await revocationsOf(user.id);
    expect(families.map((family) => family.id).sort()).toEqual([first, second, apiToken].sort());
    for (const family of families) expect(family).toMatchObject({ revokedAt: expect.any(Date), revokedReason: "user_disabled" });
    clearFamilyStateCache();
    for (const family of [first, second, apiToken]) expect(await getFamilyState(db, family)).toMatchObject({ status: "revoked" });
    const event = await db.auditEvent.findFirstOrThrow({ where: { targetUserId: user.id, action: "user_disabled" } });
    expect(event).toMatchObject({ actor: adminId, detail: { revokedFamilies: 3 } });

    // Enabling lets them sign in again; what disabling ended stays ended.
    expect(await changeUser(db, user.id, { disabled: false, version: user.version + 1 }, adminContext(adminId))).toMatchObject({ ok: true, user: { status: "active" } });
    expect((await countActiveFamilies(db, [user.id])).get(user.id)).toEqual({ sessions: 0, apiTokens: 0 });
  });
});

describe("an administrator revoking sessions", () => {
  it("ends one browser sign-in with the API tokens created from it, and nothing else", async () => {
    const { user, first, second, apiToken } = await userWithSessions("revoke-one");
    expect(await revokeUserSessions(db, user.id, first, adminContext(adminId))).toEqual({ ok: true, revoked: 2 });
    const families = Object.fromEntries((await revocationsOf(user.id)).map((family) => [family.id, family.revokedReason]));
    expect(families).toEqual({ [first]: "admin_revoked", [apiToken]: "admin_revoked", [second]: null });
    expect((await listActiveFamilies(db, user.id)).map((family) => family.id)).toEqual([second]);
    const event = await db.auditEvent.findFirstOrThrow({ where: { targetUserId: user.id, action: "access_revoked" } });
    expect(event).toMatchObject({ actor: adminId, detail: { scope: "one", familyId: first, revokedFamilies: 2 }, requestId: expect.stringMatching(/^req-/) });
  });

  it("ends one API token alone", async () => {
    const { user, apiToken } = await userWithSessions("revoke-token");
    expect(await revokeUserSessions(db, user.id, apiToken, adminContext(adminId))).toEqual({ ok: true, revoked: 1 });
    expect((await countActiveFamilies(db, [user.id])).get(user.id)).toEqual({ sessions: 2, apiTokens: 0 });
  });

  it("signs the user out everywhere, and records it", async () => {
    const { user } = await userWithSessions("revoke-all");
    expect(await revokeUserSessions(db, user.id, undefined, adminContext(adminId))).toEqual({ ok: true, revoked: 3 });
    expect(await listActiveFamilies(db, user.id)).toEqual([]);
    expect(await db.auditEvent.findFirstOrThrow({ where: { targetUserId: user.id, action: "access_revoked" } })).toMatchObject({ detail: expect.objectContaining({ source: "admin", scope: "all", familyId: null, revokedFamilies: 3 }) });
  });

  it("answers not_found for another user's session or an unknown user, revoking nothing", async () => {
    const owner = await userWithSessions("revoke-owner");
    const other = await signedUpUser(db, "revoke-other");
    expect(await revokeUserSessions(db, other.id, owner.first, adminContext(adminId))).toEqual({ ok: false, code: "not_found" });
    expect(await revokeUserSessions(db, "no-such-user", undefined, adminContext(adminId))).toEqual({ ok: false, code: "not_found" });
    expect((await countActiveFamilies(db, [owner.user.id])).get(owner.user.id)).toEqual({ sessions: 2, apiTokens: 1 });
  });

  it("counts and lists only live families: not revoked, not past their end, not under a revoked sign-in", async () => {
    const { user, second } = await userWithSessions("active-count");
    await browserSignIn(db, user.id, new Date(Date.now() - 1000));
    const revoked = await browserSignIn(db, user.id);
    await db.tokenFamily.update({ where: { id: revoked.id }, data: { revokedAt: new Date(), revokedReason: "logout" } });
    expect((await countActiveFamilies(db, [user.id])).get(user.id)).toEqual({ sessions: 2, apiTokens: 1 });
    const listed = await listActiveFamilies(db, user.id);
    expect(listed.map((family) => family.kind).sort()).toEqual(["api", "browser", "browser"]);
    expect(listed.find((family) => family.id === second)).toMatchObject({ kind: "browser", ipAddress: "198.51.100.7", userAgent: "Mozilla/5.0 (integration)", parentId: null });
  });
});

describe("when a session was last used", () => {
  it("is written when the family check reads the database, at most once a minute", async () => {
    const user = await signedUpUser(db, "last-used");
    const { id } = await browserSignIn(db, user.id, inHours(12));
    const lastUsed = async () => (await db.tokenFamily.findUniqueOrThrow({ where: { id } })).lastUsedAt?.getTime();
    expect(await lastUsed()).toBeUndefined();
    const start = Date.now();
    clearFamilyStateCache();
    await getFamilyState(db, id, start);
    expect(await lastUsed()).toBe(start);
    clearFamilyStateCache();
    await getFamilyState(db, id, start + LAST_USED_RESOLUTION_MS - 1000);
    expect(await lastUsed()).toBe(start);
    clearFamilyStateCache();
    await getFamilyState(db, id, start + LAST_USED_RESOLUTION_MS);
    expect(await lastUsed()).toBe(start + LAST_USED_RESOLUTION_MS);
  });
});
