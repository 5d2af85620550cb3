import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, inject, it } from "vitest";
import { verifyAccessToken } from "@/lib/credentials/access-token";
import { getApiTokenKeys } from "@/lib/credentials/api-token-keys";
import { ApiTokenLimitError, createApiTokens, hashRefreshToken, refreshApiTokens } from "@/lib/sessions/api-tokens";
import { accessTokenSettings } from "@/lib/credentials/authentication-options";
import type { SessionIdentity } from "@/lib/credentials/session-cookie";
import { revokeFamilies } from "@/lib/sessions/revocation";
import { FAMILY_STATE_CACHE_MS, clearFamilyStateCache, createBrowserFamily, getFamilyState, isFamilyActive } from "@/lib/sessions/token-families";
import { createDb } from "@/lib/db";
import { loadEnv } from "@/lib/config/env";
import { upsertUserFromOidcProfile } from "@/lib/users/upsert-user-from-oidc-profile";
import { envWithApiTokenKey } from "../support/api-token-env";
import { inHours } from "../support/user-fixtures";

const databaseUrl = inject("databaseUrl");
const db = createDb(databaseUrl, inject("poolMax"));
afterAll(() => db.$disconnect());

const env = await envWithApiTokenKey(databaseUrl, "integration");
const keys = await getApiTokenKeys(env);

/**
 * A user signed in through a browser: the caller POST /api/auth/token sees. By default the
 * IdP gave the sign-in a refresh token (its access token good for hours: no renewal is due).
 */
async function signedInUser({ idpRefreshToken = true } = {}): Promise<SessionIdentity> {
  const subject = `sub-${randomUUID()}`;
  const { user } = await upsertUserFromOidcProfile(db, { provider: "oidc", organisationId: "operator", subject, email: `${randomUUID()}@example.test`, name: "Token User" });
  const grant = idpRefreshToken ? { idpRefreshToken: `idp-rt-${randomUUID()}`, idpAccessTokenExpiresAt: inHours(11) } : {};
  const family = await createBrowserFamily(db, { userId: user.id, connectionId: "oidc", idpSubject: subject, idpSessionId: `idp-${randomUUID()}`, idToken: "id-token", expiresAt: inHours(12), ...grant });
  return { userId: user.id, role: user.role, familyId: family.id, via: "cookie", email: user.email, name: user.name, expiresAt: 0 };
}

const verify = (token: string) => verifyAccessToken(token, keys, accessTokenSettings(env));

describe("API tokens against the database", () => {
  it("mint → use → refresh → the old refresh token is refused as reused → the whole family is revoked", async () => {
    const caller = await signedInUser();
    const first = await createApiTokens(db, env, caller);
    expect(first).toMatchObject({ token_type: "Bearer", expires_in: 900, refresh_expires_in: 30 * 86_400 });
    expect(first.refresh_token).toMatch(/^vsa_rt_[A-Za-z0-9_-]{43}$/);

    const used = await verify(first.access_token);
    expect(used).toMatchObject({ ok: true, claims: { userId: caller.userId, role: "viewer" } });
    const familyId = used.ok ? used.claims.familyId : "";
    expect(familyId).not.toBe(caller.familyId);
    expect(await isFamilyActive(db, familyId)).toBe(true);

    // Stored hashed, never as presented.
    expect(await db.refreshToken.count({ where: { tokenHash: first.refresh_token } })).toBe(0);

    const second = await refreshApiTokens(db, env, first.refresh_token);
    expect(second.ok).toBe(true);
    if (!second.ok) return;
    expect(second.tokens.refresh_token).not.toBe(first.refresh_token);
    expect(await verify(second.tokens.access_token)).toMatchObject({ ok: true, claims: { familyId: familyId } });

    expect(await refreshApiTokens(db, env, first.refresh_token)).toEqual({ ok: false, code: "refresh_token_reused" });
    expect(await isFamilyActive(db, familyId)).toBe(false);
    expect(await refreshApiTokens(db, env, second.tokens.refresh_token)).toEqual({ ok: false, code: "token_revoked" });
    // The browser sign-in it came from is not the thief's family: it stays.
    expect(await isFamilyActive(db, caller.familyId)).toBe(true);
  });

  it("records where an API token family was minted from, for administrators", async () => {
    const caller = await signedInUser();
    const tokens = await createApiTokens(db, env, caller, { ipAddress: "198.51.100.4", userAgent: `ci-script/${"x".repeat(600)}` });
    const used = await verify(tokens.access_token);
    const familyId = used.ok ? used.claims.familyId : "";
    const family = await db.tokenFamily.findUniqueOrThrow({ where: { id: familyId }, select: { ipAddress: true, userAgent: true, parentId: true } });
    expect(family).toMatchObject({ ipAddress: "198.51.100.4", parentId: caller.familyId });
    // A user agent is stored cut at 512 characters, not refused and not unbounded.
    expect(family.userAgent).toHaveLength(512);
    expect(family.userAgent?.startsWith("ci-script/")).toBe(true);
  });

  it("gives exactly one winner to concurrent refreshes with one token", async () => {
    const { refresh_token } = await createApiTokens(db, env, await signedInUser());
    // Two clients standing in for two app instances: separate connection pools (on a real
    // server; the embedded database serves one instance, so there both calls share one).
    const otherInstance = inject("multipleInstances") ? createDb(databaseUrl) : db;
    try {
      const outcomes = await Promise.all([
        refreshApiTokens(db, env, refresh_token),
        refreshApiTokens(otherInstance, env, refresh_token),
        refreshApiTokens(db, env, refresh_token),
        refreshApiTokens(otherInstance, env, refresh_token),
      ]);
      expect(outcomes.filter((o) => o.ok)).toHaveLength(1);
      for (const outcome of outcomes.filter((o) => !o.ok)) expect(outcome).toEqual({ ok: false, code: "refresh_token_reused" });
    } finally {
      if (otherInstance !== db) await otherInstance.$disconnect();
    }
  });

  it("puts a changed role into the next access token", async () => {
    const caller = await signedInUser();
    const { refresh_token } = await createApiTokens(db, env, caller);
    await db.user.update({ where: { id: caller.userId }, data: { role: "campaign_manager" } });
    const refreshed = await refreshApiTokens(db, env, refresh_token);
    expect(refreshed.ok).toBe(true);
    if (refreshed.ok) expect(await verify(refreshed.tokens.access_token)).toMatchObject({ ok: true, claims: { role: "campaign_manager" } });
  });

  it("refuses a disabled user's and a deleted user's refresh", async () => {
    const disabled = await signedInUser();
    const disabledTokens = await createApiTokens(db, env, disabled);
    await db.user.update({ where: { id: disabled.userId }, data: { disabledAt: new Date() } });
    expect(await refreshApiTokens(db, env, disabledTokens.refresh_token)).toEqual({ ok: false, code: "token_revoked" });
    expect(await isFamilyActive(db, disabled.familyId)).toBe(false);

    const deleted = await signedInUser();
    const deletedTokens = await createApiTokens(db, env, deleted);
    await db.user.delete({ where: { id: deleted.userId } });
    expect(await refreshApiTokens(db, env, deletedTokens.refresh_token)).toEqual({ ok: false, code: "invalid_refresh_token" });
  });

  it("refuses unknown, malformed and expired refresh tokens", async () => {
    expect(await refreshApiTokens(db, env, "vsa_rt_unknown")).toEqual({ ok: false, code: "invalid_refresh_token" });
    expect(await refreshApiTokens(db, env, 42)).toEqual({ ok: false, code: "invalid_refresh_token" });
    expect(await refreshApiTokens(db, env, `vsa_rt_${"x".repeat(500)}`)).toEqual({ ok: false, code: "invalid_refresh_token" });
    const { refresh_token } = await createApiTokens(db, env, await signedInUser());
    await db.refreshToken.update({ where: { tokenHash: hashRefreshToken(refresh_token) }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect(await refreshApiTokens(db, env, refresh_token)).toEqual({ ok: false, code: "invalid_refresh_token" });
  });
});

describe("lifetimes and limits", () => {
  const limited = (overrides: Record<string, string>) => loadEnv({ AUTH_SECRET: env.authSecret, API_TOKEN_SIGNING_KEY: env.apiTokenSigningKey, DATABASE_URL: databaseUrl, ...overrides });

  it("an API token family never outlives API_TOKEN_FAMILY_MAX_DAYS, whatever the refresh token's own lifetime", async () => {
    const oneDay = limited({ API_TOKEN_FAMILY_MAX_DAYS: "1", REFRESH_TOKEN_TTL_DAYS: "30" });
    const tokens = await createApiTokens(db, oneDay, await signedInUser());
    expect(tokens.refresh_expires_in).toBeLessThanOrEqual(86_400);
    expect(tokens.refresh_expires_in).toBeGreaterThan(86_400 - 60);
    const familyId = (await verify(tokens.access_token)).ok ? ((await verify(tokens.access_token)) as { claims: { familyId: string } }).claims.familyId : "";
    const family = await db.tokenFamily.findUniqueOrThrow({ where: { id: familyId } });
    expect(family.expiresAt.getTime() - family.createdAt.getTime()).toBeLessThanOrEqual(86_400_000 + 1000);

    // Refreshing keeps the family's end: the new pair is cut at it too.
    await db.tokenFamily.update({ where: { id: familyId }, data: { expiresAt: new Date(Date.now() + 120_000) } });
    const refreshed = await refreshApiTokens(db, oneDay, tokens.refresh_token);
    expect(refreshed.ok).toBe(true);
    if (!refreshed.ok) return;
    expect(refreshed.tokens.refresh_expires_in).toBeLessThanOrEqual(120);
    expect(refreshed.tokens.expires_in).toBeLessThanOrEqual(120);
    const access = await verify(refreshed.tokens.access_token);
    expect(access.ok && access.claims.expiresAt).toBeLessThanOrEqual(Math.floor(Date.now() / 1000) + 121);

    // Past its end, the family is over: refresh refused, state expired.
    await db.tokenFamily.update({ where: { id: familyId }, data: { expiresAt: new Date(Date.now() - 1000) } });
    clearFamilyStateCache();
    expect(await getFamilyState(db, familyId)).toEqual({ status: "expired" });
    expect(await isFamilyActive(db, familyId)).toBe(false);
    expect(await refreshApiTokens(db, oneDay, refreshed.tokens.refresh_token)).toEqual({ ok: false, code: "invalid_refresh_token" });
  });

  it("a browser sign-in past its absolute end is over, and its expiry does not end the API tokens made from it", async () => {
    const caller = await signedInUser();
    const tokens = await createApiTokens(db, env, caller);
    await db.tokenFamily.update({ where: { id: caller.familyId }, data: { expiresAt: new Date(Date.now() - 1000) } });
    clearFamilyStateCache();
    expect(await getFamilyState(db, caller.familyId)).toEqual({ status: "expired" });
    // The API token lives on (its own end is API_TOKEN_FAMILY_MAX_DAYS), as the IdP is still
    // asked about the sign-in whenever its access token expires: expiry is not revocation.
    const refreshed = await refreshApiTokens(db, env, tokens.refresh_token);
    expect(refreshed.ok).toBe(true);
  });

  it("an API token from a sign-in the IdP gave no refresh token ends with that sign-in, never API_TOKEN_FAMILY_MAX_DAYS later", async () => {
    const caller = await signedInUser({ idpRefreshToken: false });
    const tokens = await createApiTokens(db, env, caller);
    // 12 hours (the sign-in's absolute end), not 30 days.
    expect(tokens.refresh_expires_in).toBeLessThanOrEqual(12 * 3600);
    expect(tokens.refresh_expires_in).toBeGreaterThan(12 * 3600 - 60);
    const access = await verify(tokens.access_token);
    const familyId = access.ok ? access.claims.familyId : "";
    const family = await db.tokenFamily.findUniqueOrThrow({ where: { id: familyId }, select: { expiresAt: true } });
    const parent = await db.tokenFamily.findUniqueOrThrow({ where: { id: caller.familyId }, select: { expiresAt: true } });
    expect(family.expiresAt).toEqual(parent.expiresAt);

    // A family minted before this rule, with its own later end, is held to the sign-in's end too.
    await db.tokenFamily.update({ where: { id: familyId }, data: { expiresAt: inHours(24 * 90) } });
    await db.tokenFamily.update({ where: { id: caller.familyId }, data: { expiresAt: new Date(Date.now() - 1000) } });
    clearFamilyStateCache();
    expect(await getFamilyState(db, familyId)).toEqual({ status: "expired" });
    expect(await refreshApiTokens(db, env, tokens.refresh_token)).toEqual({ ok: false, code: "invalid_refresh_token" });
  });

  it("caps the active API tokens per user: one more is refused (409), until one ends", async () => {
    const capped = limited({ API_TOKENS_MAX_PER_USER: "3" });
    const caller = await signedInUser();
    const minted = [];
    for (let i = 0; i < 3; i++) minted.push(await createApiTokens(db, capped, caller));
    await expect(createApiTokens(db, capped, caller)).rejects.toBeInstanceOf(ApiTokenLimitError);
    expect(await db.tokenFamily.count({ where: { userId: caller.userId, kind: "api" } })).toBe(3);
    // Another user is not affected.
    await expect(createApiTokens(db, capped, await signedInUser())).resolves.toMatchObject({ token_type: "Bearer" });
    // Revoking one frees its place.
    const first = await verify(minted[0]!.access_token);
    await revokeFamilies(db, { ids: [first.ok ? first.claims.familyId : ""] }, "logout");
    await expect(createApiTokens(db, capped, caller)).resolves.toMatchObject({ token_type: "Bearer" });
  });

  it("holds the cap against concurrent mints, across instances", async () => {
    const capped = limited({ API_TOKENS_MAX_PER_USER: "2" });
    const caller = await signedInUser();
    await createApiTokens(db, capped, caller);
    const otherInstance = inject("multipleInstances") ? createDb(databaseUrl) : db;
    try {
      const outcomes = await Promise.allSettled(Array.from({ length: 6 }, (_, i) => createApiTokens(i % 2 ? otherInstance : db, capped, caller)));
      expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(1);
      for (const outcome of outcomes.filter((o) => o.status === "rejected")) expect((outcome as PromiseRejectedResult).reason).toBeInstanceOf(ApiTokenLimitError);
      expect(await db.tokenFamily.count({ where: { userId: caller.userId, kind: "api" } })).toBe(2);
    } finally {
      if (otherInstance !== db) await otherInstance.$disconnect();
    }
  });
});

describe("revocation", () => {
  it("signing out a browser sign-in revokes the API tokens created from it", async () => {
    const caller = await signedInUser();
    const tokens = await createApiTokens(db, env, caller);
    const verified = await verify(tokens.access_token);
    const apiFamily = verified.ok ? verified.claims.familyId : "";
    await revokeFamilies(db, { ids: [caller.familyId] }, "logout");
    expect(await isFamilyActive(db, caller.familyId)).toBe(false);
    expect(await isFamilyActive(db, apiFamily)).toBe(false);
    expect(await refreshApiTokens(db, env, tokens.refresh_token)).toEqual({ ok: false, code: "token_revoked" });
  });

  it("signing out everywhere revokes every family of the user and no one else's", async () => {
    const caller = await signedInUser();
    const otherDevice = await createBrowserFamily(db, { userId: caller.userId, connectionId: "oidc", idpSubject: "s", idpSessionId: null, idToken: null, expiresAt: inHours(12) });
    const bystander = await signedInUser();
    await revokeFamilies(db, { userId: caller.userId }, "logout_everywhere");
    expect(await isFamilyActive(db, caller.familyId)).toBe(false);
    expect(await isFamilyActive(db, otherDevice.id)).toBe(false);
    expect(await isFamilyActive(db, bystander.familyId)).toBe(true);
  });

  it("back-channel logout revokes the sign-in with that IdP session id, or all of that IdP subject", async () => {
    const caller = await signedInUser();
    const family = await db.tokenFamily.findUniqueOrThrow({ where: { id: caller.familyId } });
    const tokens = await createApiTokens(db, env, caller);
    const apiFamily = (await verify(tokens.access_token)) as { ok: true; claims: { familyId: string } };
    const sameSubjectOtherSession = await createBrowserFamily(db, { userId: caller.userId, connectionId: "oidc", idpSubject: family.idpSubject!, idpSessionId: "other", idToken: null, expiresAt: inHours(12) });

    await revokeFamilies(db, { connectionId: "oidc", idpSessionId: family.idpSessionId!, idpSubject: family.idpSubject! }, "backchannel_logout");
    expect(await isFamilyActive(db, caller.familyId)).toBe(false);
    expect(await isFamilyActive(db, apiFamily.claims.familyId)).toBe(false);
    expect(await isFamilyActive(db, sameSubjectOtherSession.id)).toBe(true);

    await revokeFamilies(db, { connectionId: "oidc", idpSubject: family.idpSubject! }, "backchannel_logout");
    expect(await isFamilyActive(db, sameSubjectOtherSession.id)).toBe(false);
  });

  it("back-channel logout with sid and sub also ends a sign-in recorded without a sid (matched by sub)", async () => {
    const caller = await signedInUser();
    const family = await db.tokenFamily.findUniqueOrThrow({ where: { id: caller.familyId } });
    const withoutSid = await createBrowserFamily(db, { userId: caller.userId, connectionId: "oidc", idpSubject: family.idpSubject!, idpSessionId: null, idToken: null, expiresAt: inHours(12) });
    const revoked = await revokeFamilies(db, { connectionId: "oidc", idpSessionId: "some-other-sid", idpSubject: family.idpSubject! }, "backchannel_logout");
    expect(revoked).toBe(1);
    expect(await isFamilyActive(db, withoutSid.id)).toBe(false);
    expect(await isFamilyActive(db, caller.familyId)).toBe(true);
  });

  it("back-channel logout from one connection never ends a sign-in of another connection with the same subject and sid", async () => {
    const caller = await signedInUser();
    const family = await db.tokenFamily.findUniqueOrThrow({ where: { id: caller.familyId } });
    // Two IdPs may well both call someone "alice" (and reuse session ids): a subject is unique within one IdP only.
    const otherIdp = await createBrowserFamily(db, { userId: caller.userId, connectionId: "other-connection", idpSubject: family.idpSubject!, idpSessionId: family.idpSessionId, idToken: null, expiresAt: inHours(12) });
    expect(await revokeFamilies(db, { connectionId: "other-connection", idpSessionId: family.idpSessionId!, idpSubject: family.idpSubject! }, "backchannel_logout")).toBe(1);
    expect(await isFamilyActive(db, otherIdp.id)).toBe(false);
    expect(await isFamilyActive(db, caller.familyId)).toBe(true);
  });

  it("a revocation made by another instance is seen within the cache window (≤ 5 s), with the cache on", async () => {
    expect(FAMILY_STATE_CACHE_MS).toBeLessThanOrEqual(5000);
    const caller = await signedInUser();
    clearFamilyStateCache();
    const t0 = Date.now();
    expect(await isFamilyActive(db, caller.familyId, t0)).toBe(true);
    // Another instance revokes: straight to the database, this instance's cache untouched.
    await db.tokenFamily.update({ where: { id: caller.familyId }, data: { revokedAt: new Date(), revokedReason: "logout" } });
    // Within the window the cached verdict may still stand; past it, the revocation shows.
    expect(await isFamilyActive(db, caller.familyId, t0 + 1)).toBe(true);
    expect(await isFamilyActive(db, caller.familyId, t0 + FAMILY_STATE_CACHE_MS + 1)).toBe(false);
  });
});
