import { randomUUID } from "node:crypto";
import { exportJWK, generateKeyPair } from "jose";
import { NextRequest } from "next/server";
import { afterAll, describe, expect, inject, it } from "vitest";
import { recordSignInRefused, recordSignInSucceeded } from "@/lib/sign-in/sign-in-audit";
import { signInAdapter } from "@/lib/sign-in/sign-in-adapter";
import { createDb } from "@/lib/db";
import { upsertUserFromOidcProfile } from "@/lib/users/upsert-user-from-oidc-profile";
import { auditRequest, auditTrailDownRequest, eventsOf, whileTheAuditTrailIsDown } from "../support/audit-support";
import { captureLogs } from "../support/captured-logs";

// The callback reads the process configuration, as the route does; nothing listens at the issuer.
const { privateKey } = await generateKeyPair("ES256", { extractable: true });
process.env.AUTH_SECRET = "sign-in-audit-secret-0123456789abcdefghijklmnop";
process.env.API_TOKEN_SIGNING_KEY = JSON.stringify({ ...(await exportJWK(privateKey)), kid: "sign-in-audit" });
process.env.DATABASE_URL = inject("databaseUrl");
process.env.DATABASE_POOL_MAX = String(inject("poolMax"));
process.env.OIDC_ISSUER = "http://127.0.0.1:1";

const db = createDb(inject("databaseUrl"), inject("poolMax"));
afterAll(async () => {
  await db.$disconnect();
  const { getDb } = await import("@/lib/db");
  await getDb().$disconnect();
});

async function existingUser() {
  const subject = `sub-${randomUUID()}`;
  const email = `${randomUUID()}@example.test`;
  const { user } = await upsertUserFromOidcProfile(db, { provider: "oidc", organisationId: "operator", subject, email, name: "Existing" });
  return { user, subject, email };
}

/** A state cookie this app would have sealed at the start of a sign-in (Auth.js's own encoding). */
async function sealedCheckCookie(secret: string, secureCookies: boolean): Promise<string> {
  const { encode } = await import("@auth/core/jwt");
  const name = secureCookies ? "__Host-authjs.state" : "authjs.state";
  return `${name}=${await encode({ secret, salt: name, maxAge: 900, token: { value: "a-state", provider: "oidc" } })}`;
}

describe("the Auth.js adapter the sign-in runs with", () => {
  it("never creates a user or links an account itself (only the sign-in's rules do), and finds a user by account as the database has it", async () => {
    const adapter = signInAdapter(db, "oidc");
    const before = await db.user.count();
    await expect(adapter.createUser!({ id: randomUUID(), email: `${randomUUID()}@example.test`, emailVerified: null })).rejects.toThrow(/only the signIn callback's rules may/);
    await expect(adapter.linkAccount!({ userId: randomUUID(), type: "oidc", provider: "oidc", providerAccountId: `sub-${randomUUID()}` })).rejects.toThrow(/only the signIn callback's rules may/);
    expect(await db.user.count()).toBe(before);
    const { user, subject } = await existingUser();
    expect(await adapter.getUserByAccount!({ provider: "oidc", providerAccountId: subject })).toMatchObject({ id: user.id, role: "viewer" });
    expect(await adapter.getUserByAccount!({ provider: "oidc", providerAccountId: `sub-${randomUUID()}` })).toBeNull();
  });
});

describe("sign-in events", () => {
  it("sign-in succeeded: about the user, with the sign-in's family and whether it created the user", async () => {
    const { user } = await existingUser();
    const request = auditRequest();
    await recordSignInSucceeded(db, { userId: user.id, created: true, familyId: "family-1" }, request);
    expect(await eventsOf(db, request.requestId)).toEqual([
      expect.objectContaining({
        actor: "system",
        action: "sign_in_succeeded",
        targetUserId: user.id,
        detail: { familyId: "family-1", userCreated: true },
        ipAddress: request.ipAddress,
        userAgent: request.userAgent,
      }),
    ]);
  });

  it("a disabled user's refused sign-in is about that user", async () => {
    const { user, subject, email } = await existingUser();
    const request = auditRequest();
    // Recorded though no sign-in cookie came with it: it names a user.
    await recordSignInRefused(db, { code: "account_disabled" }, { claimed: { provider: "oidc", organisationId: "operator", subject, email } }, request, false);
    expect(await eventsOf(db, request.requestId)).toEqual([
      expect.objectContaining({ actor: "system", action: "sign_in_refused", targetUserId: user.id, detail: { code: "account_disabled" } }),
    ]);
  });

  it("an email conflict is about the user who owns the email, and names the other IdP subject", async () => {
    const owner = await existingUser();
    const request = auditRequest();
    await recordSignInRefused(db, { code: "account_conflict" }, { claimed: { provider: "oidc", organisationId: "operator", subject: "someone-else", email: owner.email } }, request, false);
    expect(await eventsOf(db, request.requestId)).toEqual([
      expect.objectContaining({ targetUserId: owner.user.id, detail: { code: "account_conflict", idpSubject: "someone-else" } }),
    ]);
  });

  it("a refusal of a real sign-in before any identity (a bad ID token) is about no one, with its code and a bounded reason", async () => {
    const request = auditRequest();
    await recordSignInRefused(db, { code: "idp_error", reason: "x".repeat(500), idpErrorDescription: "free text from the IdP" }, {}, request, true);
    expect(await eventsOf(db, request.requestId)).toEqual([expect.objectContaining({ targetUserId: null, detail: { code: "idp_error", reason: "x".repeat(64) } })]);
  });

  it("a refusal that names neither a user nor a sign-in in progress is not recorded", async () => {
    const request = auditRequest();
    await recordSignInRefused(db, { code: "state_mismatch" }, {}, request, false);
    expect(await eventsOf(db, request.requestId)).toEqual([]);
  });

  it("the callback writes its refusal of a sign-in in progress with the very request id the person's reference and the log line carry", async () => {
    const { getEnv } = await import("@/lib/config/env");
    // The Edge half of the Auth.js configuration: next-auth's own module does not load under
    // Vitest, and the IdP's discovery fails before any database callback would run.
    const { buildAuthJsConfig } = await import("@/lib/sign-in/auth-config");
    const { completeSignIn, signInContextOf } = await import("@/lib/sign-in/complete-sign-in");
    const logs = captureLogs();
    try {
      const env = getEnv();
      const state = await sealedCheckCookie(env.authSecret, env.secureCookies);
      const request = new NextRequest(`${env.authUrl}/api/auth/callback/oidc?code=forged&state=forged`, { headers: { "user-agent": "Callback/1.0", cookie: state } });
      const response = await completeSignIn(db, request, undefined, () => buildAuthJsConfig(env), signInContextOf(request, env));
      const location = new URL(response.headers.get("location")!);
      expect(location.pathname).toBe("/signin/error");
      const ref = location.searchParams.get("ref")!;
      const [event, ...more] = await eventsOf(db, ref);
      expect(more).toEqual([]);
      expect(event).toMatchObject({ action: "sign_in_refused", targetUserId: null, userAgent: "Callback/1.0", detail: { code: location.searchParams.get("error") } });
      const logLine = logs.entries().find((line) => line.event === "sign_in_refused");
      expect(logLine).toMatchObject({ code: location.searchParams.get("error"), requestId: ref });
    } finally {
      logs.stop();
    }
  });
});

describe("anonymous refusals", () => {
  it("1,000 callbacks with no sign-in cookies (or made-up ones) add nothing to the audit trail; each is still logged and counted", async () => {
    const { getEnv } = await import("@/lib/config/env");
    const { buildAuthJsConfig } = await import("@/lib/sign-in/auth-config");
    const { completeSignIn, signInContextOf } = await import("@/lib/sign-in/complete-sign-in");
    const { metrics } = await import("@/lib/observability/metrics");
    const refusals = async () => (await metrics.signIns.get()).values.filter((value) => value.labels.outcome === "refused").reduce((sum, value) => sum + value.value, 0);
    const env = getEnv();
    const before = await db.auditEvent.count();
    const counted = await refusals();
    const logs = captureLogs();
    try {
      for (let i = 0; i < 1000; i++) {
        const cookie = i % 2 ? "authjs.state=made-up; authjs.pkce.code_verifier=also-made-up" : "";
        const request = new NextRequest(`${env.authUrl}/api/auth/callback/oidc?code=c${i}&state=s${i}`, { headers: { "user-agent": "x".repeat(512), cookie } });
        const response = await completeSignIn(db, request, undefined, () => buildAuthJsConfig(env), signInContextOf(request, env));
        expect(new URL(response.headers.get("location")!).pathname).toBe("/signin/error");
      }
      expect(await db.auditEvent.count()).toBe(before);
      expect((await refusals()) - counted).toBe(1000);
      expect(logs.entries().filter((line) => line.event === "sign_in_refused")).toHaveLength(1000);
    } finally {
      logs.stop();
    }
  });
});

describe("sign-in events when the audit trail is down", () => {
  const lostEvents = whileTheAuditTrailIsDown(db);

  it("the sign-in goes on; the lost event is logged with the sign-in's request id, never a token or claim", async () => {
    const { user } = await existingUser();
    const request = auditTrailDownRequest();
    await expect(recordSignInSucceeded(db, { userId: user.id, created: false, familyId: "family-2" }, request)).resolves.toBeUndefined();
    await expect(recordSignInRefused(db, { code: "account_disabled" }, {}, request, true)).resolves.toBeUndefined();
    expect(await eventsOf(db, request.requestId)).toEqual([]);
    expect(lostEvents()).toEqual([
      expect.objectContaining({ event: "audit_event_lost", action: "sign_in_succeeded", targetUserId: user.id, detail: { familyId: "family-2", userCreated: false }, requestId: request.requestId }),
      expect.objectContaining({ event: "audit_event_lost", action: "sign_in_refused", detail: { code: "account_disabled" }, requestId: request.requestId }),
    ]);
  });
});
