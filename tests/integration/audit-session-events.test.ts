import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, inject, it } from "vitest";
import { verifyAccessToken } from "@/lib/credentials/access-token";
import { getApiTokenKeys } from "@/lib/credentials/api-token-keys";
import { accessTokenSettings } from "@/lib/credentials/authentication-options";
import type { SessionIdentity } from "@/lib/credentials/session-cookie";
import { createApiTokens, refreshApiTokens } from "@/lib/sessions/api-tokens";
import { endSessionsOfLogoutToken } from "@/lib/sessions/backchannel-logout";
import { logOut } from "@/lib/sessions/logout";

import { createBrowserFamily, isFamilyActive } from "@/lib/sessions/token-families";
import { createDb } from "@/lib/db";
import { upsertUserFromOidcProfile } from "@/lib/users/upsert-user-from-oidc-profile";
import { AUDIT_TRAIL_DOWN_USER_AGENT, auditRequest, auditTrailDownRequest, eventsOf, whileTheAuditTrailIsDown } from "../support/audit-support";
import { envWithApiTokenKey } from "../support/api-token-env";
import { inHours } from "../support/user-fixtures";

const databaseUrl = inject("databaseUrl");
const db = createDb(databaseUrl, inject("poolMax"));
afterAll(() => db.$disconnect());

const env = await envWithApiTokenKey(databaseUrl, "audit", {
  // Nothing listens there: a cookie sign-out asks for the IdP's logout URL and gets none.
  OIDC_ISSUER: "http://127.0.0.1:1",
});
const keys = await getApiTokenKeys(env);

async function signedInUser(via: SessionIdentity["via"] = "bearer"): Promise<SessionIdentity & { idpSubject: string; idpSessionId: string }> {
  const idpSubject = `sub-${randomUUID()}`;
  const idpSessionId = `idp-${randomUUID()}`;
  const { user } = await upsertUserFromOidcProfile(db, { provider: "oidc", organisationId: "operator", subject: idpSubject, email: `${randomUUID()}@example.test`, name: "Audit User" });
  const family = await createBrowserFamily(db, { userId: user.id, connectionId: "oidc", idpSubject, idpSessionId, idToken: "id-token", expiresAt: inHours(12) });
  return { userId: user.id, role: user.role, familyId: family.id, via, email: user.email, name: user.name, expiresAt: 0, idpSubject, idpSessionId };
}

async function apiFamilyOf(accessToken: string): Promise<string> {
  const verified = await verifyAccessToken(accessToken, keys, accessTokenSettings(env));
  if (!verified.ok) throw new Error(`the access token did not verify: ${verified.code}`);
  return verified.claims.familyId;
}

describe("the sessions paths put their events on the audit trail", () => {
  it("sign-out: by the user, about the user, the family and how many families ended, with the request's address, agent and id", async () => {
    const caller = await signedInUser("cookie");
    const request = auditRequest();
    await logOut(db, env, { identity: caller, familyActive: true }, false, request);
    const [event, ...more] = await eventsOf(db, request.requestId);
    expect(more).toEqual([]);
    expect(event).toMatchObject({
      actor: caller.userId,
      action: "sign_out",
      targetUserId: caller.userId,
      detail: { familyId: caller.familyId, via: "cookie", revokedFamilies: 1 },
      ipAddress: "203.0.113.7",
      userAgent: "Mozilla/5.0 (audit test)",
      requestId: request.requestId,
    });
  });

  it("sign out everywhere: one event counting every family that ended", async () => {
    const caller = await signedInUser();
    await createBrowserFamily(db, { userId: caller.userId, connectionId: "oidc", idpSubject: caller.idpSubject, idpSessionId: null, idToken: null, expiresAt: inHours(12) });
    await createApiTokens(db, env, caller);
    const request = auditRequest();
    await logOut(db, env, { identity: caller, familyActive: true }, true, request);
    expect(await eventsOf(db, request.requestId)).toEqual([
      expect.objectContaining({ actor: caller.userId, action: "sign_out_everywhere", targetUserId: caller.userId, detail: { familyId: caller.familyId, via: "bearer", revokedFamilies: 3 } }),
    ]);
  });

  it("a sign-out of a sign-in that had already ended revokes nothing and records nothing", async () => {
    const caller = await signedInUser();
    const request = auditRequest();
    await logOut(db, env, { identity: caller, familyActive: false }, true, request);
    expect(await eventsOf(db, request.requestId)).toEqual([]);
    expect(await isFamilyActive(db, caller.familyId)).toBe(true);
  });

  it("API token minted: the new family and the sign-in it came from, never the tokens", async () => {
    const caller = await signedInUser("cookie");
    const request = auditRequest();
    const tokens = await createApiTokens(db, env, caller, request);
    const [event, ...more] = await eventsOf(db, request.requestId);
    expect(more).toEqual([]);
    const familyId = await apiFamilyOf(tokens.access_token);
    const family = await db.tokenFamily.findUniqueOrThrow({ where: { id: familyId } });
    expect(event).toMatchObject({
      actor: caller.userId,
      action: "api_token_minted",
      targetUserId: caller.userId,
      detail: { familyId, parentFamilyId: caller.familyId, expiresAt: family.expiresAt.toISOString() },
      ipAddress: "203.0.113.7",
      userAgent: "Mozilla/5.0 (audit test)",
    });
    const recorded = JSON.stringify(event);
    for (const secret of [tokens.access_token, tokens.refresh_token, tokens.refresh_token.slice(7)]) expect(recorded).not.toContain(secret);
  });

  it("refresh token reuse: the family revoked, by the console, about its owner, from where the spent token came back", async () => {
    const caller = await signedInUser();
    const tokens = await createApiTokens(db, env, caller);
    const familyId = await apiFamilyOf(tokens.access_token);
    const rotated = await refreshApiTokens(db, env, tokens.refresh_token, auditRequest());
    expect(rotated.ok).toBe(true);
    const replay = auditRequest({ userAgent: "curl/8.5.0" });
    expect(await refreshApiTokens(db, env, tokens.refresh_token, replay)).toEqual({ ok: false, code: "refresh_token_reused" });
    const [event, ...more] = await eventsOf(db, replay.requestId);
    expect(more).toEqual([]);
    expect(event).toMatchObject({
      actor: "system",
      action: "refresh_token_reused",
      targetUserId: caller.userId,
      detail: { familyId, revokedFamilies: 1 },
      ipAddress: "203.0.113.7",
      userAgent: "curl/8.5.0",
    });
    expect(JSON.stringify(event)).not.toContain(tokens.refresh_token.slice(7));
    // A refresh that is not a replay records nothing.
    expect(await db.auditEvent.count({ where: { action: "refresh_token_reused", targetUserId: caller.userId } })).toBe(1);
  });

  it("back-channel logout: the IdP's sid and sub and the families it ended, about their owner; later, about the same person with nothing ended", async () => {
    const caller = await signedInUser("cookie");
    const tokens = await createApiTokens(db, env, caller);
    const apiFamily = await apiFamilyOf(tokens.access_token);
    const verified = { ok: true as const, connectionId: "oidc", organisationId: "operator", sid: caller.idpSessionId, sub: caller.idpSubject, jti: randomUUID(), expiresAt: inHours(1) };
    const idpCall = auditRequest({ userAgent: "oidc-provider" });
    await endSessionsOfLogoutToken(db, verified, idpCall, Date.now());
    const [event, ...more] = await eventsOf(db, idpCall.requestId);
    expect(more).toEqual([]);
    expect(event).toMatchObject({ actor: "system", action: "access_revoked", targetUserId: caller.userId, userAgent: "oidc-provider" });
    expect(event!.detail).toMatchObject({ source: "backchannel_logout", reason: "backchannel_logout", idpSessionId: caller.idpSessionId, idpSubject: caller.idpSubject, revokedFamilies: 2 });
    expect((event!.detail as { familyIds: string[] }).familyIds.sort()).toEqual([caller.familyId, apiFamily].sort());

    // The IdP says it again (another jti), with only the sid: nothing is left to end.
    const again = auditRequest({ userAgent: "oidc-provider" });
    const sidOnly = { ...verified, sub: undefined, jti: randomUUID() };
    await endSessionsOfLogoutToken(db, sidOnly, again, Date.now());
    expect(await eventsOf(db, again.requestId)).toEqual([
      expect.objectContaining({
        targetUserId: caller.userId,
        detail: { source: "backchannel_logout", reason: "backchannel_logout", connectionId: "oidc", idpSessionId: caller.idpSessionId, idpSubject: null, familyIds: [], revokedFamilies: 0 },
      }),
    ]);
  });

  it("back-channel logout for a session nobody here has: one event, about no one", async () => {
    const request = auditRequest();
    await endSessionsOfLogoutToken(db, { ok: true, connectionId: "oidc", organisationId: "operator", sub: `nobody-${randomUUID()}`, jti: randomUUID(), expiresAt: inHours(1) }, request, Date.now());
    expect(await eventsOf(db, request.requestId)).toEqual([expect.objectContaining({ targetUserId: null, detail: expect.objectContaining({ revokedFamilies: 0 }) })]);
  });
});

describe("when an event cannot be written", () => {
  const lostEvents = whileTheAuditTrailIsDown(db);
  const down = auditTrailDownRequest;

  it("the trigger really refuses those events (so the tests below prove something)", async () => {
    await expect(db.auditEvent.create({ data: { actor: "system", action: "sign_out", userAgent: AUDIT_TRAIL_DOWN_USER_AGENT } })).rejects.toThrow(/audit trail is unavailable/);
  });

  it("signing out still signs out, and the lost event is logged loudly with what it would have said", async () => {
    const caller = await signedInUser();
    const request = down();
    await expect(logOut(db, env, { identity: caller, familyActive: true }, false, request)).resolves.toEqual({ logoutUrl: null });
    expect(await isFamilyActive(db, caller.familyId)).toBe(false);
    expect(await eventsOf(db, request.requestId)).toEqual([]);
    expect(lostEvents()).toEqual([
      expect.objectContaining({ level: "error", event: "audit_event_lost", action: "sign_out", actor: caller.userId, targetUserId: caller.userId, requestId: request.requestId }),
    ]);
  });

  it("a replayed refresh token still revokes its family", async () => {
    const caller = await signedInUser();
    const tokens = await createApiTokens(db, env, caller);
    await refreshApiTokens(db, env, tokens.refresh_token);
    const request = down();
    expect(await refreshApiTokens(db, env, tokens.refresh_token, request)).toEqual({ ok: false, code: "refresh_token_reused" });
    expect(await isFamilyActive(db, await apiFamilyOf(tokens.access_token))).toBe(false);
    expect(lostEvents()).toEqual([expect.objectContaining({ action: "refresh_token_reused", requestId: request.requestId })]);
    expect(JSON.stringify(lostEvents())).not.toContain(tokens.refresh_token);
  });

  it("a back-channel logout still ends the IdP's session here", async () => {
    const caller = await signedInUser();
    await endSessionsOfLogoutToken(db, { ok: true, connectionId: "oidc", organisationId: "operator", sid: caller.idpSessionId, jti: randomUUID(), expiresAt: inHours(1) }, down(), Date.now());
    expect(await isFamilyActive(db, caller.familyId)).toBe(false);
    expect(lostEvents()).toEqual([expect.objectContaining({ action: "access_revoked", targetUserId: caller.userId })]);
  });

  it("minting an API token fails instead: no credential exists without its record", async () => {
    const caller = await signedInUser("cookie");
    await expect(createApiTokens(db, env, caller, down())).rejects.toThrow(/audit trail is unavailable/);
    expect(await db.tokenFamily.count({ where: { userId: caller.userId, kind: "api" } })).toBe(0);
    await expect(createApiTokens(db, env, caller, auditRequest())).resolves.toMatchObject({ token_type: "Bearer" });
  });
});
