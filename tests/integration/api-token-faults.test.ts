import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, inject, it } from "vitest";
import { createApiTokens, hashRefreshToken, REFRESH_RETRY_GRACE, refreshApiTokens } from "@/lib/sessions/api-tokens";
import type { SessionIdentity } from "@/lib/credentials/session-cookie";
import { clearFamilyStateCache, createBrowserFamily, isFamilyActive } from "@/lib/sessions/token-families";
import { createDb } from "@/lib/db";
import { upsertUserFromOidcProfile } from "@/lib/users/upsert-user-from-oidc-profile";
import { envWithApiTokenKey } from "../support/api-token-env";
import { inHours } from "../support/user-fixtures";

// What a database failure in the middle of minting or refreshing leaves behind: nothing half done.
const databaseUrl = inject("databaseUrl");
const db = createDb(databaseUrl, inject("poolMax"));
afterAll(() => db.$disconnect());
const env = await envWithApiTokenKey(databaseUrl, "faults");

async function signedInUser(): Promise<SessionIdentity> {
  const subject = `sub-${randomUUID()}`;
  const { user } = await upsertUserFromOidcProfile(db, { provider: "oidc", organisationId: "operator", subject, email: `${randomUUID()}@example.test`, name: "Fault User" });
  const family = await createBrowserFamily(db, { userId: user.id, connectionId: "oidc", idpSubject: subject, idpSessionId: `idp-${randomUUID()}`, idToken: "id-token", expiresAt: inHours(12) });
  return { userId: user.id, role: user.role, familyId: family.id, via: "cookie", email: user.email, name: user.name, expiresAt: 0 };
}

/** Runs `body` while every RefreshToken insert for `userId` fails, as the database failing between two statements would. */
async function withRefreshTokenInsertFailing<T>(userId: string, body: () => Promise<T>): Promise<T> {
  const name = `fail_refresh_token_${randomUUID().replace(/-/g, "")}`;
  await db.$executeRawUnsafe(
    `CREATE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF NEW."userId" = '${userId}' THEN RAISE EXCEPTION 'injected fault'; END IF; RETURN NEW; END $$`,
  );
  await db.$executeRawUnsafe(`CREATE TRIGGER ${name} BEFORE INSERT ON "RefreshToken" FOR EACH ROW EXECUTE FUNCTION ${name}()`);
  try {
    return await body();
  } finally {
    await db.$executeRawUnsafe(`DROP TRIGGER ${name} ON "RefreshToken"`);
    await db.$executeRawUnsafe(`DROP FUNCTION ${name}()`);
  }
}

const reuseEvents = (userId: string) => db.auditEvent.count({ where: { action: "refresh_token_reused", targetUserId: userId } });

/** Makes the presented token look spent `ms` ago, as a retry that comes that much later sees it. */
async function spentAgo(token: string, ms: number) {
  await db.refreshToken.update({ where: { tokenHash: hashRefreshToken(token) }, data: { spentAt: new Date(Date.now() - ms) } });
}

describe("a database failure while minting or refreshing", () => {
  it("a refresh whose successor cannot be stored spends nothing: the client's retry refreshes, its family lives", async () => {
    const caller = await signedInUser();
    const first = await createApiTokens(db, env, caller);
    await expect(withRefreshTokenInsertFailing(caller.userId, () => refreshApiTokens(db, env, first.refresh_token))).rejects.toThrow(/injected fault/);
    const stored = await db.refreshToken.findUniqueOrThrow({ where: { tokenHash: hashRefreshToken(first.refresh_token) }, select: { spentAt: true, familyId: true } });
    expect(stored.spentAt).toBeNull();

    const retried = await refreshApiTokens(db, env, first.refresh_token);
    expect(retried.ok).toBe(true);
    clearFamilyStateCache();
    expect(await isFamilyActive(db, stored.familyId)).toBe(true);
    expect(await reuseEvents(caller.userId)).toBe(0);
  });

  it("a mint whose refresh token cannot be stored leaves no family and no event behind", async () => {
    const caller = await signedInUser();
    await expect(withRefreshTokenInsertFailing(caller.userId, () => createApiTokens(db, env, caller))).rejects.toThrow(/injected fault/);
    expect(await db.tokenFamily.count({ where: { userId: caller.userId, kind: "api" } })).toBe(0);
    expect(await db.auditEvent.count({ where: { action: "api_token_minted", targetUserId: caller.userId } })).toBe(0);
    // The cap counts only what exists: the user can still mint their full allowance.
    for (let minted = 0; minted < env.apiTokensMaxPerUser; minted++) await createApiTokens(db, env, caller);
  });
});

describe("a refresh whose answer was lost (committed, but the client was told 503)", () => {
  it("the client's retry after Retry-After gets the same successor again; the family lives, nothing is recorded as theft", async () => {
    const caller = await signedInUser();
    const first = await createApiTokens(db, env, caller);
    const lost = await refreshApiTokens(db, env, first.refresh_token);
    if (!lost.ok) throw new Error("the first refresh should have gone through");
    await spentAgo(first.refresh_token, REFRESH_RETRY_GRACE.fromMs + 1000);

    const retried = await refreshApiTokens(db, env, first.refresh_token);
    expect(retried).toMatchObject({ ok: true, tokens: { refresh_token: lost.tokens.refresh_token } });
    expect(await reuseEvents(caller.userId)).toBe(0);
    const next = await refreshApiTokens(db, env, lost.tokens.refresh_token);
    expect(next.ok).toBe(true);

    // Once the successor is used, the spent token is a replay whenever it comes.
    expect(await refreshApiTokens(db, env, first.refresh_token)).toEqual({ ok: false, code: "refresh_token_reused" });
    expect(await reuseEvents(caller.userId)).toBe(1);
  });

  it("sooner than Retry-After it is a concurrent copy, and after the grace a replay: both revoke the family", async () => {
    for (const ago of [0, REFRESH_RETRY_GRACE.untilMs + 1000]) {
      const caller = await signedInUser();
      const first = await createApiTokens(db, env, caller);
      const answered = await refreshApiTokens(db, env, first.refresh_token);
      if (!answered.ok) throw new Error("the first refresh should have gone through");
      if (ago) await spentAgo(first.refresh_token, ago);
      expect(await refreshApiTokens(db, env, first.refresh_token)).toEqual({ ok: false, code: "refresh_token_reused" });
      expect(await refreshApiTokens(db, env, answered.tokens.refresh_token)).toEqual({ ok: false, code: "token_revoked" });
    }
  });

  it("a successor is derived with the server's key: another deployment's secret derives another one", async () => {
    const caller = await signedInUser();
    const first = await createApiTokens(db, env, caller);
    const other = await envWithApiTokenKey(databaseUrl, "faults-other", { AUTH_SECRET: "another-secret-0123456789abcdefghijklmnopq" });
    const answered = await refreshApiTokens(db, env, first.refresh_token);
    if (!answered.ok) throw new Error("the first refresh should have gone through");
    await spentAgo(first.refresh_token, REFRESH_RETRY_GRACE.fromMs + 1000);
    // With a key that does not derive the stored successor, the retry is not recognised: a replay.
    expect(await refreshApiTokens(db, other, first.refresh_token)).toEqual({ ok: false, code: "refresh_token_reused" });
  });

  it("replaying a spent token again and again records the reuse once, when the family is revoked", async () => {
    const caller = await signedInUser();
    const first = await createApiTokens(db, env, caller);
    expect((await refreshApiTokens(db, env, first.refresh_token)).ok).toBe(true);
    for (let replay = 0; replay < 5; replay++) expect(await refreshApiTokens(db, env, first.refresh_token)).toEqual({ ok: false, code: "refresh_token_reused" });
    expect(await reuseEvents(caller.userId)).toBe(1);
  });
});
