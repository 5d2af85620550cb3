import { afterEach, describe, expect, it, vi } from "vitest";
import { SECRET, SIGNING_KEY, apiRequest, sessionCookie } from "../support/session-tokens";

/** The middleware as a process configured with `authUrl` runs it (the configuration is read once per process). */
async function middlewareServing(authUrl: string) {
  vi.resetModules();
  vi.stubEnv("AUTH_SECRET", SECRET);
  vi.stubEnv("API_TOKEN_SIGNING_KEY", SIGNING_KEY);
  vi.stubEnv("NODE_ENV", "test");
  vi.stubEnv("AUTH_URL", authUrl);
  return (await import("@/middleware")).middleware;
}

afterEach(() => {
  vi.unstubAllEnvs();
});

const nonceOf = (policy: string | null) => /'nonce-([^']+)'/.exec(policy ?? "")?.[1];

describe("the middleware's security headers", () => {
  it("gives every page request a fresh nonce, in the policy the browser gets and in the one Next.js renders with", async () => {
    const middleware = await middlewareServing("http://localhost:3000");
    const first = await middleware(apiRequest({}, "/signin"));
    const second = await middleware(apiRequest({ cookie: `authjs.session-token=${await sessionCookie()}` }, "/profile"));
    const policy = first.headers.get("content-security-policy");
    expect(nonceOf(policy)).toBeDefined();
    expect(nonceOf(second.headers.get("content-security-policy"))).not.toBe(nonceOf(policy));
    // NextResponse.next({ request: { headers } }) hands overridden request headers to Next.js this way.
    expect(first.headers.get("x-middleware-request-content-security-policy")).toBe(policy);
    expect(first.headers.get("x-middleware-request-x-nonce")).toBe(nonceOf(policy));
  });

  it("leaves API requests' policy to next.config.mjs: no nonce made, no request header rewritten", async () => {
    const middleware = await middlewareServing("http://localhost:3000");
    for (const response of [await middleware(apiRequest({}, "/api/health/live")), await middleware(apiRequest({ cookie: `authjs.session-token=${await sessionCookie()}` }))]) {
      expect(response.headers.get("x-middleware-next")).toBe("1");
      expect(response.headers.get("content-security-policy")).toBeNull();
      expect(response.headers.get("x-middleware-override-headers")).toBeNull();
    }
  });

  it("upgrades insecure requests on pages when AUTH_URL is https, and refuses with its own 401 (HSTS on every response comes from the request observer: request-observer.test.ts)", async () => {
    const middleware = await middlewareServing("https://console.example.com");
    const responses = [
      await middleware(apiRequest({}, "/signin")),
      await middleware(apiRequest({}, "/api/health/live")),
      await middleware(apiRequest({}, "/api/auth/me")),
    ];
    expect(responses[2]!.status).toBe(401);
    expect(responses[0]!.headers.get("content-security-policy")).toContain("upgrade-insecure-requests");
  });

  it("sends no HSTS over plain http", async () => {
    const middleware = await middlewareServing("http://localhost:3000");
    for (const path of ["/signin", "/api/health/live", "/api/auth/me"]) {
      expect((await middleware(apiRequest({}, path))).headers.get("strict-transport-security")).toBeNull();
    }
  });
});
