import { randomUUID } from "node:crypto";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { requireUser as RequireUser } from "@/lib/access/guard";
import { createDb } from "@/lib/db";
import { upsertUserFromOidcProfile } from "@/lib/users/upsert-user-from-oidc-profile";
import { configureProcess } from "../support/process-configuration";

await configureProcess("guard");

const db = createDb(inject("databaseUrl"), inject("poolMax"));
const VIEWER = { access: "signed-in", role: "viewer" } as const;
const inHours = (hours: number) => new Date(Date.now() + hours * 3_600_000);
let requireUser: typeof RequireUser;
let callerRequest: (token: string) => NextRequest;
let familyId: string;
let userId: string;

beforeAll(async () => {
  ({ requireUser } = await import("@/lib/access/guard"));
  const { createApiTokens } = await import("@/lib/sessions/api-tokens");
  const { createBrowserFamily } = await import("@/lib/sessions/token-families");
  const { getEnv } = await import("@/lib/config/env");
  const { user } = await upsertUserFromOidcProfile(db, { provider: "oidc", organisationId: "operator", subject: `sub-${randomUUID()}`, email: `${randomUUID()}@example.test`, name: null });
  const family = await createBrowserFamily(db, { userId: user.id, connectionId: "oidc", idpSubject: "s", idpSessionId: null, idToken: null, expiresAt: inHours(12) });
  familyId = family.id;
  userId = user.id;
  const tokens = await createApiTokens(db, getEnv(), { userId: user.id, role: user.role, familyId: family.id, via: "cookie", email: null, name: null, expiresAt: 0 });
  callerRequest = () => new NextRequest("http://localhost:3000/api/auth/me", { headers: { authorization: `Bearer ${tokens.access_token}` } });
});

afterAll(async () => {
  await db.$disconnect();
  const { getDb } = await import("@/lib/db");
  await getDb().$disconnect();
});

describe("requireUser, the guard every protected handler calls itself", () => {
  it("refuses a validly signed token that names another user's family (401 token_revoked), and admits the family's own user", async () => {
    const { mintAccessToken } = await import("@/lib/credentials/access-token");
    const { getApiTokenKeys } = await import("@/lib/credentials/api-token-keys");
    const { accessTokenSettings } = await import("@/lib/credentials/authentication-options");
    const { getEnv } = await import("@/lib/config/env");
    const env = getEnv();
    const { user: other } = await upsertUserFromOidcProfile(db, { provider: "oidc", organisationId: "operator", subject: `sub-${randomUUID()}`, email: `${randomUUID()}@example.test`, name: null });
    const bearer = async (who: string) => {
      const { token } = await mintAccessToken({ userId: who, role: "viewer", email: null, familyId }, await getApiTokenKeys(env), { ...accessTokenSettings(env), ttlSeconds: 60 });
      return new NextRequest("http://localhost:3000/api/auth/me", { headers: { authorization: `Bearer ${token}` } });
    };
    const crossed = await requireUser(await bearer(other.id), VIEWER);
    expect(crossed.ok).toBe(false);
    if (!crossed.ok) {
      expect(crossed.response.status).toBe(401);
      expect(await crossed.response.json()).toMatchObject({ error: "token_revoked" });
    }
    expect((await requireUser(await bearer(userId), VIEWER)).ok).toBe(true);
  });

  it("admits a valid, unrevoked token", async () => {
    const guarded = await requireUser(callerRequest(""), VIEWER);
    expect(guarded.ok).toBe(true);
  });

  it("takes the role from the database, not from the token, once the short cache has passed", async () => {
    const { clearFamilyStateCache } = await import("@/lib/sessions/token-families");
    await db.user.update({ where: { id: userId }, data: { role: "admin" } });
    clearFamilyStateCache();
    const guarded = await requireUser(callerRequest(""), VIEWER);
    expect(guarded.ok && guarded.identity.role).toBe("admin");
    await db.user.update({ where: { id: userId }, data: { role: "viewer" } });
    clearFamilyStateCache();
    const demoted = await requireUser(callerRequest(""), VIEWER);
    expect(demoted.ok && demoted.identity.role).toBe("viewer");
  });

  it("applies the route's policy: the role is hierarchical, API tokens may be refused, an ended sign-in may be let through", async () => {
    const { clearFamilyStateCache } = await import("@/lib/sessions/token-families");
    await db.user.update({ where: { id: userId }, data: { role: "campaign_manager" } });
    clearFamilyStateCache();
    expect((await requireUser(callerRequest(""), { access: "signed-in", role: "viewer" })).ok).toBe(true);
    expect((await requireUser(callerRequest(""), { access: "signed-in", role: "campaign_manager" })).ok).toBe(true);
    const tooLow = await requireUser(callerRequest(""), { access: "signed-in", role: "admin" });
    expect(tooLow.ok).toBe(false);
    if (!tooLow.ok) {
      expect(tooLow.response.status).toBe(403);
      expect(await tooLow.response.json()).toMatchObject({ error: "forbidden", message: "This needs the role admin or higher; you have campaign_manager." });
    }
    const cookieOnly = await requireUser(callerRequest(""), { access: "signed-in", role: "viewer", session: "cookie" });
    expect(cookieOnly.ok).toBe(false);
    if (!cookieOnly.ok) expect(cookieOnly.response.status).toBe(403);
    await db.user.update({ where: { id: userId }, data: { role: "viewer" } });
    clearFamilyStateCache();
  });

  it("refuses with token_expired once the token's family is past its absolute end, though the token itself is not", async () => {
    const { clearFamilyStateCache } = await import("@/lib/sessions/token-families");
    const apiFamily = await db.tokenFamily.findFirstOrThrow({ where: { parentId: familyId } });
    await db.tokenFamily.update({ where: { id: apiFamily.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    clearFamilyStateCache();
    const guarded = await requireUser(callerRequest(""), VIEWER);
    expect(guarded.ok).toBe(false);
    if (!guarded.ok) expect(await guarded.response.json()).toMatchObject({ error: "token_expired" });
    await db.tokenFamily.update({ where: { id: apiFamily.id }, data: { expiresAt: apiFamily.expiresAt } });
    clearFamilyStateCache();
    expect((await requireUser(callerRequest(""), VIEWER)).ok).toBe(true);
  });

  it("refuses with token_revoked once the sign-in behind the token is revoked, though its signature is still valid", async () => {
    const { revokeFamilies } = await import("@/lib/sessions/revocation");
    await revokeFamilies(db, { ids: [familyId] }, "logout");
    const guarded = await requireUser(callerRequest(""), VIEWER);
    expect(guarded.ok).toBe(false);
    if (!guarded.ok) {
      expect(guarded.response.status).toBe(401);
      expect(await guarded.response.json()).toMatchObject({ error: "token_revoked" });
    }
    // A route that lets an ended sign-in through (logout) gets it, marked as ended.
    const allowed = await requireUser(callerRequest(""), { access: "signed-in", role: "viewer", ended: "allow" });
    expect(allowed).toMatchObject({ ok: true, familyActive: false });
  });

  it("refuses a request with no credentials, as the middleware would", async () => {
    const guarded = await requireUser(new NextRequest("http://localhost:3000/api/auth/me"), VIEWER);
    expect(guarded.ok).toBe(false);
    if (!guarded.ok) expect(await guarded.response.json()).toMatchObject({ error: "missing_token" });
  });
});
