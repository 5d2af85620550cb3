import { randomUUID } from "node:crypto";
import { afterAll, afterEach, describe, expect, inject, it } from "vitest";
import { IDP_RENEWAL_REJECTED_GRACE_MS, renewalLeaseMs, renewIdpSession } from "@/lib/sessions/idp-session-renewal";
import { createBrowserFamily } from "@/lib/sessions/token-families";
import { IdentityProvider } from "@/lib/oidc/identity-provider";
import { createDb } from "@/lib/db";
import { loadEnv } from "@/lib/config/env";
import { metrics } from "@/lib/observability/metrics";
import { upsertUserFromOidcProfile } from "@/lib/users/upsert-user-from-oidc-profile";
import { captureLogs } from "../support/captured-logs";
import { fakeIdp, type FakeIdp } from "../support/fake-idp";

// The IdP's failures, answered in-process through the IdentityProvider's transport; the real
// renewal against the bundled provider runs in the e2e suite (idp-session.spec.ts).
const db = createDb(inject("databaseUrl"), inject("poolMax"));
afterAll(() => db.$disconnect());
const logs = captureLogs();
afterEach(() => logs.lines.splice(0));
afterAll(() => logs.stop());

const CLIENT_ID = "renewal-suite";
const CLIENT_SECRET = "a-b.c_d~e%f:g h-é";
const GRACE = IDP_RENEWAL_REJECTED_GRACE_MS;

async function setup(extra: Record<string, string> = {}, signInIdToken?: (idp: FakeIdp, subject: string) => Promise<string>) {
  const idp = await fakeIdp();
  const env = loadEnv({
    AUTH_SECRET: "renewal-suite-secret-0123456789abcdefghijklmnop",
    API_TOKEN_SIGNING_KEY: "{}",
    DATABASE_URL: inject("databaseUrl"),
    OIDC_ISSUER: idp.issuer,
    OIDC_CLIENT_ID: CLIENT_ID,
    OIDC_CLIENT_SECRET: CLIENT_SECRET,
    ...extra,
  });
  const provider = new IdentityProvider(idp.issuer, { timeoutMs: 1000, transport: idp.transport, clientCredentials: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET } });
  const subject = `sub-${randomUUID()}`;
  const { user } = await upsertUserFromOidcProfile(db, { provider: "oidc", organisationId: "operator", subject, email: `${randomUUID()}@example.test`, name: "Renewal" });
  const { id: familyId } = await createBrowserFamily(db, {
    userId: user.id,
    connectionId: "oidc",
    idpSubject: subject,
    idpSessionId: null,
    idToken: signInIdToken ? await signInIdToken(idp, subject) : null,
    idpRefreshToken: "rt-1",
    idpAccessTokenExpiresAt: new Date(Date.now() - 1000),
    expiresAt: new Date(Date.now() + 12 * 3_600_000),
  });
  // An API token made from the sign-in: it ends with it.
  const apiToken = await db.tokenFamily.create({ data: { kind: "api", userId: user.id, parentId: familyId, expiresAt: new Date(Date.now() + 3_600_000) } });
  const row = () => db.tokenFamily.findUniqueOrThrow({ where: { id: familyId } });
  /** One request finding the renewal due at `now` (the lease of the last attempt has run out by then). */
  const renewAt = async (now: number) => {
    const { idpRefreshToken, idpAccessTokenExpiresAt } = await row();
    return renewIdpSession(db, env, familyId, { idpRefreshToken: idpRefreshToken!, idpAccessTokenExpiresAt: idpAccessTokenExpiresAt! }, { now, idp: provider });
  };
  return { idp, env, user, subject, familyId, apiToken, row, renewAt, provider };
}

const json = (body: unknown, status: number, headers: Record<string, string> = {}) => () => Response.json(body, { status, headers });
const renewed = (refreshToken = "rt-2") => () => Response.json({ access_token: `at-${randomUUID()}`, token_type: "Bearer", expires_in: 300, refresh_token: refreshToken });

async function counted(outcome: string, reason: string): Promise<number> {
  return (await metrics.idpRenewals.get()).values.find((value) => value.labels.outcome === outcome && value.labels.reason === reason)?.value ?? 0;
}
const failureLines = () => logs.entries().filter((line) => line.event === "idp_renewal_failed");

describe("a renewal the IdP rejects", () => {
  it.each([
    ["401 invalid_client (a secret the IdP does not accept)", json({ error: "invalid_client" }, 401, { "www-authenticate": 'Basic realm="idp", error="invalid_client"' }), "invalid_client"],
    ["400 unauthorized_client", json({ error: "unauthorized_client" }, 400), "unauthorized_client"],
    ["a 401 without an OAuth body", () => new Response("<h1>Unauthorized</h1>", { status: 401, headers: { "content-type": "text/html" } }), "http_401"],
    ["a 200 that is not a token response", () => new Response("<html>", { status: 200, headers: { "content-type": "text/html" } }), "bad_response"],
  ])("keeps the session through the grace after %s, then ends it, logged and counted", async (_label, answer, reason) => {
    const { idp, env, familyId, apiToken, row, renewAt } = await setup();
    idp.answerTokenRequests(answer);
    const before = await counted("rejected", reason);
    const t0 = Date.now();

    expect(await renewAt(t0)).toEqual({ ok: true });
    expect(await row()).toMatchObject({ revokedAt: null, idpRenewalFailingSince: new Date(t0), idpRefreshToken: "rt-1" });
    // Retried after the lease, still within the grace: the session carries on, failing since t0.
    expect((await row()).idpAccessTokenExpiresAt!.getTime()).toBe(t0 + renewalLeaseMs(env));
    expect(await renewAt(t0 + GRACE - 1)).toEqual({ ok: true });
    expect(await row()).toMatchObject({ revokedAt: null, idpRenewalFailingSince: new Date(t0) });

    expect(await renewAt(t0 + GRACE)).toEqual({ ok: false, code: "idp_refresh_rejected" });
    expect(await row()).toMatchObject({ revokedReason: "idp_refresh_rejected", revokedAt: expect.any(Date) });
    expect(await db.tokenFamily.findUniqueOrThrow({ where: { id: apiToken.id } })).toMatchObject({ revokedReason: "idp_refresh_rejected" });
    expect(idp.tokenRequests).toHaveLength(3);
    expect(await counted("rejected", reason)).toBe(before + 3);
    const lines = failureLines();
    expect(lines).toHaveLength(3);
    expect(lines.map((line) => line.ended)).toEqual([null, null, "idp_refresh_rejected"]);
    for (const line of lines) expect(line).toMatchObject({ level: "warn", familyId, outcome: "rejected", reason, failingSince: new Date(t0).toISOString() });
  });

  it("invalid_grant ends the session at once", async () => {
    const { idp, apiToken, row, renewAt } = await setup();
    idp.answerTokenRequests(json({ error: "invalid_grant", error_description: "grant request is invalid" }, 400));
    const before = await counted("refused", "invalid_grant");
    expect(await renewAt(Date.now())).toEqual({ ok: false, code: "idp_refresh_failed" });
    expect(await row()).toMatchObject({ revokedReason: "idp_refresh_failed" });
    expect(await db.tokenFamily.findUniqueOrThrow({ where: { id: apiToken.id } })).toMatchObject({ revokedReason: "idp_refresh_failed" });
    expect(await counted("refused", "invalid_grant")).toBe(before + 1);
    expect(failureLines()).toEqual([expect.objectContaining({ outcome: "refused", reason: "invalid_grant", status: 400, ended: "idp_refresh_failed" })]);
  });

  it("a success after failures clears the failing state: the grace starts again at the next failure", async () => {
    const { idp, row, renewAt } = await setup();
    idp.answerTokenRequests(json({ error: "invalid_client" }, 401));
    const t0 = Date.now();
    await renewAt(t0);
    expect((await row()).idpRenewalFailingSince).toEqual(new Date(t0));

    idp.answerTokenRequests(renewed());
    expect(await renewAt(t0 + GRACE - 1)).toEqual({ ok: true });
    const after = await row();
    expect(after).toMatchObject({ revokedAt: null, idpRenewalFailingSince: null, idpRefreshToken: "rt-2" });

    // Failing again past the first failure's grace does not end it: it fails since now.
    idp.answerTokenRequests(json({ error: "invalid_client" }, 401));
    const t1 = after.idpAccessTokenExpiresAt!.getTime() + GRACE;
    expect(await renewAt(t1)).toEqual({ ok: true });
    expect(await row()).toMatchObject({ revokedAt: null, idpRenewalFailingSince: new Date(t1) });
  });
});

describe("a renewal the IdP cannot answer", () => {
  it.each([
    ["503", () => new Response("down for maintenance", { status: 503 }), "http_503"],
    ["500 with an OAuth body", json({ error: "server_error" }, 500), "http_500"],
    ["429 (try later)", json({ error: "slow_down" }, 429), "http_429"],
    [
      "a network failure",
      () => {
        throw new TypeError("fetch failed");
      },
      "network",
    ],
  ])("%s never ends the session, however long it lasts", async (_label, answer, reason) => {
    const { idp, row, renewAt } = await setup();
    idp.answerTokenRequests(answer);
    const t0 = Date.now();
    for (const now of [t0, t0 + GRACE, t0 + 100 * GRACE]) expect(await renewAt(now)).toEqual({ ok: true });
    expect(await row()).toMatchObject({ revokedAt: null, idpRenewalFailingSince: null, idpRefreshToken: "rt-1" });
    expect(failureLines().map((line) => [line.outcome, line.reason, line.ended])).toEqual(Array(3).fill(["unavailable", reason, null]));
  });
});

describe("the ID token of a renewal", () => {
  const ROLES_FROM_IDP = { OIDC_ROLE_CLAIM: "groups", OIDC_ROLE_MAP: JSON.stringify({ "vsa-admins": "admin", "vsa-managers": "campaign_manager" }) };
  /** The token endpoint renews, with an ID token made by `idToken` (and a rotated refresh token). */
  const renewingWith = (idp: FakeIdp, idToken: () => Promise<string>, refreshToken = `rt-${randomUUID()}`) =>
    idp.answerTokenRequests(async () => Response.json({ access_token: `at-${randomUUID()}`, token_type: "Bearer", expires_in: 300, refresh_token: refreshToken, id_token: await idToken() }));
  const roleEvents = (userId: string) => db.auditEvent.findMany({ where: { targetUserId: userId, action: "role_changed" }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });

  it("sets the role the IdP now maps the person to, as a sign-in does, on the audit trail", async () => {
    const { idp, user, subject, row, renewAt } = await setup(ROLES_FROM_IDP);
    await db.user.update({ where: { id: user.id }, data: { role: "campaign_manager" } });
    const version = (await db.user.findUniqueOrThrow({ where: { id: user.id } })).version;

    // Promoted at the IdP since the sign-in.
    const promoted = await idp.idToken(CLIENT_ID, { sub: subject, groups: ["vsa-admins", "other"] });
    renewingWith(idp, async () => promoted);
    expect(await renewAt(Date.now())).toEqual({ ok: true, role: "admin" });
    expect(await db.user.findUniqueOrThrow({ where: { id: user.id } })).toMatchObject({ role: "admin", version: version + 1 });
    expect((await row()).idToken).toBe(promoted);
    expect(await roleEvents(user.id)).toEqual([
      expect.objectContaining({ actor: "system", action: "role_changed", targetUserId: user.id, detail: { from: "campaign_manager", to: "admin", source: "idp_mapping" } }),
    ]);

    // The same groups again: nothing changes, nothing is recorded.
    await db.tokenFamily.update({ where: { id: (await row()).id }, data: { idpAccessTokenExpiresAt: new Date(Date.now() - 1000) } });
    expect(await renewAt(Date.now())).toEqual({ ok: true, role: "admin" });
    expect(await roleEvents(user.id)).toHaveLength(1);

    // Removed from every mapped group: viewer, as at a sign-in.
    renewingWith(idp, () => idp.idToken(CLIENT_ID, { sub: subject, groups: ["other"] }));
    await db.tokenFamily.update({ where: { id: (await row()).id }, data: { idpAccessTokenExpiresAt: new Date(Date.now() - 1000) } });
    expect(await renewAt(Date.now())).toEqual({ ok: true, role: "viewer" });
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).role).toBe("viewer");
    expect((await roleEvents(user.id)).map((event) => event.detail)).toEqual([
      { from: "campaign_manager", to: "admin", source: "idp_mapping" },
      { from: "admin", to: "viewer", source: "idp_mapping" },
    ]);
  });

  it("leaves roles alone when they are managed in the console", async () => {
    const { idp, user, subject, renewAt } = await setup();
    await db.user.update({ where: { id: user.id }, data: { role: "campaign_manager" } });
    renewingWith(idp, () => idp.idToken(CLIENT_ID, { sub: subject, groups: ["vsa-admins"] }));
    expect(await renewAt(Date.now())).toEqual({ ok: true });
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).role).toBe("campaign_manager");
    expect(await roleEvents(user.id)).toHaveLength(0);
  });

  it.each([
    ["names another subject", "id_token_subject", (idp: FakeIdp) => idp.idToken(CLIENT_ID, { sub: "someone-else", groups: ["vsa-admins"] })],
    ["is signed with a key the IdP never published", "id_token_signature", (idp: FakeIdp, subject: string) => idp.forgedIdToken(CLIENT_ID, { sub: subject, groups: ["vsa-admins"] })],
    ["was issued for another client", "id_token_audience", (idp: FakeIdp, subject: string) => idp.idToken("another-client", { sub: subject, groups: ["vsa-admins"] })],
    ["carries another sign-in's nonce", "id_token_nonce", (idp: FakeIdp, subject: string) => idp.idToken(CLIENT_ID, { sub: subject, nonce: "someone-elses", groups: ["vsa-admins"] })],
  ])("is refused when it %s: nothing of it is applied, and the sign-in ends after the grace", async (_label, reason, forge) => {
    const { idp, user, subject, row, renewAt } = await setup(ROLES_FROM_IDP, (fake, sub) => fake.idToken(CLIENT_ID, { sub, nonce: "the-sign-ins" }));
    const signedIn = await row();
    renewingWith(idp, () => forge(idp, subject), "rt-rotated");
    const t0 = Date.now();
    expect(await renewAt(t0)).toEqual({ ok: true });
    const refused = await row();
    // Not stored, no role from it; the rotated refresh token is kept (the IdP spent the old one).
    expect(refused).toMatchObject({ revokedAt: null, idToken: signedIn.idToken, idpRefreshToken: "rt-rotated", idpRenewalFailingSince: new Date(t0) });
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).role).toBe("viewer");
    expect(await roleEvents(user.id)).toHaveLength(0);
    expect(failureLines()).toEqual([expect.objectContaining({ outcome: "rejected", reason, ended: null })]);

    expect(await renewAt(t0 + GRACE)).toEqual({ ok: false, code: "idp_refresh_rejected" });
    expect((await row()).revokedReason).toBe("idp_refresh_rejected");
    expect(await roleEvents(user.id)).toHaveLength(0);
  });

  it("accepts the sign-in's own nonce, or none (OpenID Connect Core §12.2)", async () => {
    const { idp, subject, renewAt, row } = await setup(ROLES_FROM_IDP, (fake, sub) => fake.idToken(CLIENT_ID, { sub, nonce: "the-sign-ins" }));
    renewingWith(idp, () => idp.idToken(CLIENT_ID, { sub: subject, nonce: "the-sign-ins", groups: ["vsa-managers"] }));
    expect(await renewAt(Date.now())).toEqual({ ok: true, role: "campaign_manager" });
    renewingWith(idp, () => idp.idToken(CLIENT_ID, { sub: subject, groups: ["vsa-managers"] }));
    await db.tokenFamily.update({ where: { id: (await row()).id }, data: { idpAccessTokenExpiresAt: new Date(Date.now() - 1000) } });
    expect(await renewAt(Date.now())).toEqual({ ok: true, role: "campaign_manager" });
    expect(await row()).toMatchObject({ idpRenewalFailingSince: null, revokedAt: null });
  });
});
