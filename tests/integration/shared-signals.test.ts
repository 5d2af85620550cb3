import { randomUUID } from "node:crypto";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createDb } from "@/lib/db";
import { startTransmitter } from "../../scripts/dev/ssf-transmitter.mjs";
import { configureProcess } from "../support/process-configuration";
import { newOrganisation, routeParams, type Organisation } from "../support/organisation-fixtures";
import { RUN, adminContext, browserSignIn, signedUpUser } from "../support/user-fixtures";

// The environment's connection's IdP is the transmitter too: Universal Logout is signed by the IdP.
const transmitter = await startTransmitter();
process.env.OIDC_ISSUER = transmitter.issuer;
// Rate limits have their own suite; on the embedded database (one connection every file shares)
// this file's limiter would prepare the statement rate-limits.test.ts prepares, and break it.
process.env.RATE_LIMIT_SECURITY_EVENTS = "off";
await configureProcess("shared-signals");

const db = createDb(inject("databaseUrl"), inject("poolMax"));
const { getEnv } = await import("@/lib/config/env");
const { addSignalStream, removeSignalStream, universalLogoutEndpoint } = await import("@/lib/organisation-admin/signal-streams");
const { createApiTokens } = await import("@/lib/sessions/api-tokens");
const { metrics } = await import("@/lib/observability/metrics");
const { changeUser } = await import("@/lib/admin/change-user");
const routes = { signals: await import("@/app/api/shared-signals/[streamId]/route"), universalLogout: await import("@/app/api/universal-logout/[connectionId]/route") };
const CLI = { actor: "cli" } as const;

let stream: { id: string; audience: string; endpoint: string };
let other: Organisation;

beforeAll(async () => {
  const added = await addSignalStream(db, getEnv(), "operator", { connectionId: "oidc", issuer: transmitter.issuer, jwksUri: transmitter.jwksUri }, CLI);
  if (!added.ok) throw new Error(added.message);
  stream = added.value;
  other = await newOrganisation(db, "signals-other");
});

afterAll(async () => {
  await removeSignalStream(db, getEnv(), "operator", stream.id, CLI);
  await transmitter.close();
  await db.$disconnect();
  const { getDb } = await import("@/lib/db");
  await getDb().$disconnect();
});

/** A person of the operator organisation signed in twice, with an API token from the first sign-in. */
async function signedInPerson(label: string) {
  const user = await signedUpUser(db, `signals-${label}`);
  const account = await db.account.findFirstOrThrow({ where: { userId: user.id, provider: "oidc" } });
  const first = await browserSignIn(db, user.id);
  await browserSignIn(db, user.id);
  await createApiTokens(db, getEnv(), { userId: user.id, role: "viewer", familyId: first.id, via: "cookie", email: user.email, name: null, expiresAt: 0 });
  return { user, sub: account.providerAccountId, issSub: { format: "iss_sub", iss: transmitter.issuer, sub: account.providerAccountId } };
}

const activeFamilies = (userId: string) => db.tokenFamily.count({ where: { userId, revokedAt: null } });
const push = async (token: string, streamId = stream.id, contentType = "application/secevent+jwt") => {
  const response = await routes.signals.POST(new NextRequest(`http://localhost:3000/api/shared-signals/${streamId}`, { method: "POST", headers: { "content-type": contentType }, body: token }), routeParams({ streamId }));
  return { status: response.status, body: response.status === 202 ? null : await response.json() };
};
const set = (event: string, subject: Record<string, unknown> | undefined, extra: { claims?: Record<string, unknown>; header?: Record<string, unknown> } = {}) =>
  transmitter.signSet({ audience: stream.audience, event, subject, ...extra });
const observedRevocations = async (source: string) =>
  (await metrics.timeToRevokeSeconds.get()).values.find((value) => value.metricName === "vsa_time_to_revoke_seconds_count" && value.labels.source === source)?.value ?? 0;

describe("a Shared Signals stream (RFC 8935 push)", () => {
  it("CAEP session-revoked ends that person's every session and API token, on record and in the metric, and nobody else's", async () => {
    const [alice, bob] = [await signedInPerson("alice"), await signedInPerson("bob")];
    expect(await activeFamilies(alice.user.id)).toBe(3);
    const before = await observedRevocations("shared_signals");
    expect(await push(await set("session-revoked", alice.issSub))).toEqual({ status: 202, body: null });
    expect(await activeFamilies(alice.user.id)).toBe(0);
    expect(await activeFamilies(bob.user.id)).toBe(3);
    expect(await db.tokenFamily.findFirst({ where: { userId: alice.user.id }, select: { revokedReason: true } })).toEqual({ revokedReason: "idp_session_revoked" });
    const event = await db.auditEvent.findFirstOrThrow({ where: { targetUserId: alice.user.id, action: "access_revoked" } });
    expect(event).toMatchObject({ actor: `signal-stream:${stream.id}`, organisationId: "operator", detail: { source: "shared_signals", event: "session-revoked", subjectFormat: "iss_sub", revokedFamilies: 3 } });
    expect(await observedRevocations("shared_signals")).toBe(before + 1);
  });

  it("refuses a replayed SET, and each bad one for its own reason, acting on nothing", async () => {
    const carol = await signedInPerson("carol");
    const token = await set("credential-change-required", carol.issSub);
    expect((await push(token)).status).toBe(202);
    await browserSignIn(db, carol.user.id);
    expect(await push(token)).toEqual({ status: 400, body: { err: "invalid_request", description: "this SET's jti was already received" } });
    expect(await push(await set("session-revoked", carol.issSub, { claims: { aud: "https://elsewhere.test" } }))).toMatchObject({ status: 400, body: { err: "invalid_audience" } });
    expect(await push(await set("session-revoked", carol.issSub, { claims: { iss: "https://evil.test" } }))).toMatchObject({ status: 400, body: { err: "invalid_issuer" } });
    expect(await push(await set("session-revoked", carol.issSub, { header: { kid: "not-published" } }))).toMatchObject({ status: 400, body: { err: "invalid_key" } });
    expect(await push(await set("session-revoked", carol.issSub, { header: { typ: "JWT" } }))).toMatchObject({ status: 400, body: { err: "invalid_request", description: expect.stringMatching(/typ/) } });
    expect(await push(await set("session-revoked", { ...carol.issSub, iss: "https://another-idp.test" }))).toMatchObject({ status: 400, body: { description: expect.stringMatching(/iss is not the issuer/) } });
    expect(await push(await set("session-revoked", carol.issSub), stream.id, "application/json")).toMatchObject({ status: 400, body: { err: "invalid_request" } });
    expect(await push(await set("session-revoked", carol.issSub), `no-such-stream-${RUN}`)).toMatchObject({ status: 404, body: { err: "invalid_request" } });
    expect(await activeFamilies(carol.user.id)).toBe(1);
  });

  it("RISC account-disabled disables the user with their sessions; account-enabled undoes only this stream's disabling", async () => {
    const dave = await signedInPerson("dave");
    expect((await push(await set("account-disabled", { format: "email", email: dave.user.email!.toUpperCase() }))).status).toBe(202);
    expect((await db.user.findUniqueOrThrow({ where: { id: dave.user.id } })).disabledAt).not.toBeNull();
    expect(await activeFamilies(dave.user.id)).toBe(0);
    expect(await db.auditEvent.findFirstOrThrow({ where: { targetUserId: dave.user.id, action: "user_disabled" } })).toMatchObject({ actor: `signal-stream:${stream.id}` });
    expect((await push(await set("account-enabled", dave.issSub))).status).toBe(202);
    expect((await db.user.findUniqueOrThrow({ where: { id: dave.user.id } })).disabledAt).toBeNull();
    // Enabled again, the sessions revoked stay revoked.
    expect(await activeFamilies(dave.user.id)).toBe(0);

    const erin = await signedInPerson("erin");
    const version = (await db.user.findUniqueOrThrow({ where: { id: erin.user.id } })).version;
    const admin = await signedUpUser(db, "signals-admin", "admin");
    expect(await changeUser(db, erin.user.id, { disabled: true, version }, adminContext(admin.id))).toMatchObject({ ok: true });
    expect((await push(await set("account-enabled", erin.issSub))).status).toBe(202);
    expect((await db.user.findUniqueOrThrow({ where: { id: erin.user.id } })).disabledAt).not.toBeNull();
  });

  it("names only people of the stream's organisation: another organisation's user with that email is untouched", async () => {
    const email = `shared-${RUN}@signals.test`;
    const outsider = await db.user.create({ data: { organisationId: other.id, email, name: "Outsider" } });
    await browserSignIn(db, outsider.id);
    expect((await push(await set("session-revoked", { format: "email", email }))).status).toBe(202);
    expect(await activeFamilies(outsider.id)).toBe(1);
  });

  it("by email, names only people who sign in through the stream's connection (not a user made otherwise, such as by the CLI)", async () => {
    const email = `no-account-${RUN}@example.test`;
    const madeByCli = await db.user.create({ data: { organisationId: "operator", email, name: "Made by the CLI" } });
    await browserSignIn(db, madeByCli.id);
    expect((await push(await set("account-disabled", { format: "email", email }))).status).toBe(202);
    expect(await db.user.findUniqueOrThrow({ where: { id: madeByCli.id } })).toMatchObject({ disabledAt: null });
    expect(await activeFamilies(madeByCli.id)).toBe(1);
  });

  it("keeps jtis per stream: another stream naming the same transmitter cannot spend this one's", async () => {
    const second = await addSignalStream(db, getEnv(), "operator", { connectionId: "oidc", issuer: transmitter.issuer, jwksUri: transmitter.jwksUri }, CLI);
    if (!second.ok) throw new Error(second.message);
    try {
      const henry = await signedInPerson("henry");
      const jti = `shared-jti-${RUN}`;
      const toSecond = await transmitter.signSet({ audience: second.value.audience, event: "verification", subject: undefined, claims: { jti, sub_id: undefined } });
      expect((await push(toSecond, second.value.id)).status).toBe(202);
      expect((await push(await set("session-revoked", henry.issSub, { claims: { jti } }))).status).toBe(202);
      expect(await activeFamilies(henry.user.id)).toBe(0);
    } finally {
      await removeSignalStream(db, getEnv(), "operator", second.value.id, CLI);
    }
  });

  it("answers 503 (the transmitter retries) when its keys are larger than any JWKS, acting on nothing", async () => {
    const { createServer } = await import("node:http");
    const huge = createServer((_request, response) => {
      response.writeHead(200, { "content-type": "application/json" });
      response.end(`{"keys":[],"padding":"${"x".repeat(600 * 1024)}"}`);
    });
    await new Promise<void>((resolve) => huge.listen(0, "127.0.0.1", resolve));
    const port = (huge.address() as { port: number }).port;
    const bloated = await addSignalStream(db, getEnv(), "operator", { connectionId: "oidc", issuer: transmitter.issuer, jwksUri: `http://127.0.0.1:${port}/jwks.json` }, CLI);
    if (!bloated.ok) throw new Error(bloated.message);
    try {
      const ivy = await signedInPerson("ivy");
      const token = await transmitter.signSet({ audience: bloated.value.audience, event: "session-revoked", subject: ivy.issSub });
      expect((await push(token, bloated.value.id)).status).toBe(503);
      expect(await activeFamilies(ivy.user.id)).toBe(3);
    } finally {
      await removeSignalStream(db, getEnv(), "operator", bloated.value.id, CLI);
      huge.close();
    }
  });

  it("accepts the transmitter's verification event and acts on nothing", async () => {
    expect(await push(await set("verification", undefined, { claims: { sub_id: undefined } }))).toEqual({ status: 202, body: null });
  });
});

describe("Okta's Universal Logout", () => {
  const endpoint = () => universalLogoutEndpoint(getEnv().authUrl, "oidc");
  const call = async (authorization: string | null, body: unknown, connectionId = "oidc") => {
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (authorization) headers.authorization = authorization;
    const response = await routes.universalLogout.POST(new NextRequest(`http://localhost:3000/api/universal-logout/${connectionId}`, { method: "POST", headers, body: JSON.stringify(body) }), routeParams({ connectionId }));
    return { status: response.status, body: response.status === 204 ? null : await response.json(), challenge: response.headers.get("www-authenticate") };
  };
  /** What Okta sends, signed by the connection's IdP: the transmitter is the environment connection's issuer here. */
  const signed = async (subject: Record<string, unknown>, claims: Record<string, unknown> = {}) => {
    const now = Math.floor(Date.now() / 1000);
    const token = await transmitter.signSet({ audience: endpoint(), event: "unused", claims: { events: undefined, sub_id: undefined, exp: now + 300, ...claims }, header: { typ: "JWT" } });
    return { authorization: `Bearer ${token}`, body: { sub_id: subject } };
  };

  it("ends every session and API token of the person named, once: the same JWT again is refused", async () => {
    const frank = await signedInPerson("frank");
    const request = await signed({ format: "email", email: frank.user.email });
    expect(await call(request.authorization, request.body)).toEqual({ status: 204, body: null, challenge: null });
    expect(await activeFamilies(frank.user.id)).toBe(0);
    expect(await db.auditEvent.findFirstOrThrow({ where: { targetUserId: frank.user.id, action: "access_revoked" } })).toMatchObject({ actor: "system", detail: { source: "universal_logout", reason: "universal_logout", revokedFamilies: 3 } });
    expect(await call(request.authorization, request.body)).toMatchObject({ status: 401, body: { error: "invalid_token", error_description: expect.stringMatching(/already used/) }, challenge: expect.stringMatching(/^Bearer realm="voicesurveyagent", error="invalid_token"/) });
  });

  it("refuses a request without the IdP's JWT, for another endpoint, or naming nobody here", async () => {
    const grace = await signedInPerson("grace");
    expect(await call(null, { sub_id: grace.issSub })).toMatchObject({ status: 401, body: { error: "invalid_token" } });
    const elsewhere = await signed(grace.issSub, { aud: "https://other-app.test/global-token-revocation" });
    expect(await call(elsewhere.authorization, elsewhere.body)).toMatchObject({ status: 401, body: { error_description: expect.stringMatching(/aud/) } });
    const noSubject = await signed(grace.issSub);
    expect(await call(noSubject.authorization, {})).toMatchObject({ status: 400, body: { error: "invalid_request" } });
    const nobody = await signed({ format: "opaque", id: `nobody-${randomUUID()}` });
    expect(await call(nobody.authorization, nobody.body)).toMatchObject({ status: 404, body: { error: "not_found" } });
    expect(await activeFamilies(grace.user.id)).toBe(3);
  });
});
