import { HttpResponse, http } from "msw";
import { setupServer } from "msw/node";
import { NextRequest } from "next/server";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { buildAuthJsConfig } from "@/lib/sign-in/auth-config";
import { environmentConnection } from "@/lib/organisations/connection";
import { IdentityProvider } from "@/lib/oidc/identity-provider";
import { startSignIn } from "@/lib/sign-in/start-sign-in";
import { signInConnectionCookieName, signInConnectionOf } from "@/lib/sign-in/sign-in-connection-cookie";
import { loadEnv } from "@/lib/config/env";
import { captureLogs } from "../support/captured-logs";

// msw fakes only the identity provider's failures (and one healthy discovery document to
// prove the failure cases are not always taken); the real flow runs in the e2e suite.
const ISSUER = "https://idp.test";
const APP = "http://localhost:3000";
const env = loadEnv({ AUTH_SECRET: "unit-test-secret-0123456789abcdefghijklmnop", API_TOKEN_SIGNING_KEY: "{}", OIDC_ISSUER: ISSUER });
const discoveryUrl = `${ISSUER}/.well-known/openid-configuration`;

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => {
  server.resetHandlers();
  vi.restoreAllMocks();
});
afterAll(() => server.close());

// A fresh IdP view per call: its discovery cache would otherwise carry one test's answer into the next.
const login = (query = "callbackUrl=/profile") =>
  startSignIn(new NextRequest(`${APP}/api/auth/login?${query}`), buildAuthJsConfig(env, environmentConnection(env), new IdentityProvider(ISSUER, { timeoutMs: 1000 })), {
    appUrl: APP,
    secureCookies: false,
    requestId: "req-unit-1",
    secret: env.authSecret,
  }, { connectionId: "oidc" });

describe("startSignIn", () => {
  it("redirects to the IdP's authorization endpoint with PKCE S256, state and nonce", async () => {
    server.use(
      http.get(discoveryUrl, () =>
        HttpResponse.json({ issuer: ISSUER, authorization_endpoint: `${ISSUER}/authorize`, token_endpoint: `${ISSUER}/token`, jwks_uri: `${ISSUER}/jwks` }),
      ),
    );
    const response = await login();
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get("location")!);
    expect(`${location.origin}${location.pathname}`).toBe(`${ISSUER}/authorize`);
    expect(location.searchParams.get("code_challenge_method")).toBe("S256");
    expect(location.searchParams.get("redirect_uri")).toBe(`${APP}/api/auth/callback/oidc`);
    for (const param of ["code_challenge", "state", "nonce"]) expect(location.searchParams.get(param)).toBeTruthy();
    const cookies = response.cookies.getAll().map((c) => c.name);
    expect(cookies).toEqual(expect.arrayContaining(["authjs.pkce.code_verifier", "authjs.state", "authjs.nonce"]));
    expect(response.headers.get("set-cookie")).toMatch(/HttpOnly/i);
  });

  it("binds the connection to this sign-in's state in a cookie, and passes the typed email on as login_hint", async () => {
    server.use(
      http.get(discoveryUrl, () =>
        HttpResponse.json({ issuer: ISSUER, authorization_endpoint: `${ISSUER}/authorize`, token_endpoint: `${ISSUER}/token`, jwks_uri: `${ISSUER}/jwks` }),
      ),
    );
    const response = await startSignIn(
      new NextRequest(`${APP}/api/auth/login?callbackUrl=/profile`),
      buildAuthJsConfig(env, environmentConnection(env), new IdentityProvider(ISSUER, { timeoutMs: 1000 })),
      { appUrl: APP, secureCookies: false, requestId: "req-unit-3", secret: env.authSecret },
      { connectionId: "conn-42", loginHint: "pat@acme.test" },
    );
    const location = new URL(response.headers.get("location")!);
    expect(location.searchParams.get("login_hint")).toBe("pat@acme.test");
    const binding = response.cookies.get(signInConnectionCookieName(false));
    expect(binding?.value).toBeTruthy();
    const cookies = { get: (name: string) => (name === binding!.name ? { value: binding!.value } : undefined) };
    expect(signInConnectionOf(cookies, location.searchParams.get("state"), env.authSecret, false)).toEqual({ ok: true, connectionId: "conn-42", purpose: "sign_in" });
    expect(signInConnectionOf(cookies, "some-other-state", env.authSecret, false)).toEqual({ ok: false, reason: "state" });
  });

  it("on https names the pending sign-in's cookies __Host- (Secure, path /, no Domain), so a sibling subdomain cannot set them", async () => {
    server.use(
      http.get(discoveryUrl, () =>
        HttpResponse.json({ issuer: ISSUER, authorization_endpoint: `${ISSUER}/authorize`, token_endpoint: `${ISSUER}/token`, jwks_uri: `${ISSUER}/jwks` }),
      ),
    );
    const secureEnv = loadEnv({ AUTH_SECRET: env.authSecret, API_TOKEN_SIGNING_KEY: "{}", OIDC_ISSUER: ISSUER, AUTH_URL: "https://console.test" });
    expect(secureEnv.secureCookies).toBe(true);
    const response = await startSignIn(
      new NextRequest("https://console.test/api/auth/login?callbackUrl=/profile"),
      buildAuthJsConfig(secureEnv, environmentConnection(secureEnv), new IdentityProvider(ISSUER, { timeoutMs: 1000 })),
      { appUrl: "https://console.test", secureCookies: true, requestId: "req-unit-2", secret: env.authSecret },
      { connectionId: "oidc" },
    );
    expect(response.status).toBe(302);
    const setCookies = response.headers.getSetCookie();
    for (const base of ["authjs.pkce.code_verifier", "authjs.state", "authjs.nonce", "authjs.callback-url"]) {
      const cookie = setCookies.find((line) => line.startsWith(`__Host-${base}=`));
      expect(cookie, base).toBeDefined();
      expect(cookie).toMatch(/;\s*Secure/i);
      expect(cookie).toMatch(/;\s*Path=\/(;|$)/i);
      expect(cookie).not.toMatch(/Domain=/i);
    }
    expect(setCookies.some((line) => line.startsWith("__Secure-"))).toBe(false);
  });

  it.each([
    ["the network fails", () => HttpResponse.error(), "idp_unreachable", "network"],
    ["discovery answers 503", () => new HttpResponse("down", { status: 503 }), "idp_unreachable", "http_503"],
    ["discovery hangs past OIDC_HTTP_TIMEOUT_MS", () => new Promise<Response>(() => {}), "idp_unreachable", "timeout"],
    ["discovery answers garbage", () => new HttpResponse("<html>", { status: 200, headers: { "content-type": "text/html" } }), "idp_error", "bad_metadata"],
    ["discovery names another issuer", () => HttpResponse.json({ issuer: "https://other.test", authorization_endpoint: "https://other.test/a" }), "idp_error", "bad_metadata"],
  ])("sends the user to the error page with a reason when %s", async (_label, resolver, code, reason) => {
    const logs = captureLogs();
    server.use(http.get(discoveryUrl, resolver));
    const response = await login();
    logs.stop();
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe(`${APP}/signin/error?error=${code}&reason=${reason}&ref=req-unit-1`);
    expect(response.cookies.getAll()).toHaveLength(0);
    // Logged once, for the operator, with the same code and the request id.
    const refusals = logs.entries().filter((line) => line.event === "sign_in_refused");
    expect(refusals).toHaveLength(1);
    expect(refusals[0]).toMatchObject({ level: "warn", stage: "login", code, reason, requestId: "req-unit-1" });
  });
});
