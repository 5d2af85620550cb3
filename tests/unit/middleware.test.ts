import { beforeAll, describe, expect, it, vi } from "vitest";
import { API_ERRORS } from "@/lib/errors/api-errors";
import { COOKIE, SECRET, SIGNING_KEY, apiRequest, apiTokenKeys, sessionCookie } from "../support/session-tokens";

let middleware: typeof import("@/middleware").middleware;

beforeAll(async () => {
  vi.stubEnv("AUTH_SECRET", SECRET);
  vi.stubEnv("API_TOKEN_SIGNING_KEY", SIGNING_KEY);
  vi.stubEnv("NODE_ENV", "test");
  ({ middleware } = await import("@/middleware"));
});

const passesThrough = (response: Response) => response.headers.get("x-middleware-next") === "1";

describe("the Edge middleware", () => {
  it.each([
    ["GET", "/api/health"],
    ["GET", "/api/auth/login"],
    ["GET", "/api/auth/callback/oidc"],
    ["POST", "/api/auth/signin/oidc"],
    ["GET", "/api/auth/csrf"],
    ["GET", "/api/auth/session"],
    ["POST", "/api/auth/refresh"],
    ["POST", "/api/auth/backchannel-logout"],
  ])("lets %s %s through without credentials (a public route in the policy table)", async (method, path) => {
    expect(passesThrough(await middleware(apiRequest({}, path, method)))).toBe(true);
  });

  it.each([
    [{}, "missing_token"],
    [{ cookie: `${COOKIE}=garbage` }, "invalid_token"],
    [{ authorization: "Basic dXNlcjpwYXNz" }, "invalid_authorization_header"],
    [{ authorization: "Bearer abc" }, "invalid_token"],
  ] as const)("answers %j on a protected route with 401 %s as JSON", async (headers, code) => {
    const response = await middleware(apiRequest(headers as Record<string, string>, "/api/auth/me"));
    expect(response.status).toBe(401);
    expect(response.headers.get("content-type")).toContain("application/json");
    expect(response.headers.get("www-authenticate")).toMatch(/^Bearer realm="voicesurveyagent"/);
    expect(response.headers.get("set-cookie")).toBeNull();
    expect(await response.json()).toEqual({ error: code, message: API_ERRORS[code].message });
  });

  it("refuses an expired cookie with token_expired", async () => {
    const response = await middleware(apiRequest({ cookie: `${COOKIE}=${await sessionCookie({}, { maxAge: -3600 })}` }));
    expect(response.status).toBe(401);
    expect((await response.json()).error).toBe("token_expired");
  });

  it("passes a valid session through and sets no cookie", async () => {
    const response = await middleware(apiRequest({ cookie: `${COOKIE}=${await sessionCookie()}` }));
    expect(passesThrough(response)).toBe(true);
    expect(response.headers.get("set-cookie")).toBeNull();
  });

  it("does not treat look-alike paths, other methods or unknown paths as public", async () => {
    for (const [method, path] of [["GET", "/api/healthz"], ["GET", "/api/auth/me"], ["GET", "/api/authx/login"], ["GET", "/api/auth/refresh"], ["POST", "/api/health"], ["GET", "/api/no/such/route"]]) {
      expect((await middleware(apiRequest({}, path!, method))).status).toBe(401);
    }
  });
});

describe("the sliding session", () => {
  const cookieOf = (response: Response) => /authjs\.session-token=([^;]+)/.exec(response.headers.get("set-cookie") ?? "")?.[1];

  it("re-issues a cookie older than five minutes with the same identity and a later expiry, on pages and API calls", async () => {
    const { decode } = await import("@auth/core/jwt");
    const start = new Date("2026-11-26T10:00:00Z");
    vi.useFakeTimers({ now: start, toFake: ["Date"] });
    try {
      const old = await sessionCookie();
      vi.setSystemTime(new Date(start.getTime() + 6 * 60_000));
      for (const path of ["/profile", "/api/auth/me"]) {
        const response = await middleware(apiRequest({ cookie: `${COOKIE}=${old}` }, path));
        expect(passesThrough(response)).toBe(true);
        const renewed = cookieOf(response);
        expect(renewed).toBeDefined();
        expect(response.headers.get("set-cookie")).toMatch(/HttpOnly/i);
        // Never kept by a shared cache (a proxy or CDN in front would hand it to the next visitor).
        expect(response.headers.get("cache-control")).toBe("private, no-store");
        const before = await decode({ token: old, secret: SECRET, salt: COOKIE });
        const after = await decode({ token: renewed!, secret: SECRET, salt: COOKIE });
        expect(after).toMatchObject({ sub: before!.sub, familyId: before!.familyId, role: before!.role });
        expect(after!.exp!).toBe(before!.exp! + 6 * 60);
      }
    } finally {
      vi.useRealTimers();
    }
  });

  it("answers a client that keeps sending the old cookie with the same renewed cookie, not a new encryption each time", async () => {
    const start = new Date("2026-11-26T10:00:00Z");
    vi.useFakeTimers({ now: start, toFake: ["Date"] });
    try {
      const old = await sessionCookie();
      vi.setSystemTime(new Date(start.getTime() + 6 * 60_000));
      const first = cookieOf(await middleware(apiRequest({ cookie: `${COOKIE}=${old}` }, "/api/auth/me")));
      vi.setSystemTime(new Date(start.getTime() + 7 * 60_000));
      const second = cookieOf(await middleware(apiRequest({ cookie: `${COOKIE}=${old}` }, "/api/auth/me")));
      expect(first).toBeDefined();
      expect(second).toBe(first);
    } finally {
      vi.useRealTimers();
    }
  });

  it("leaves a young cookie alone, and sets nothing without a session", async () => {
    const young = await sessionCookie();
    const untouched = await middleware(apiRequest({ cookie: `${COOKIE}=${young}` }, "/profile"));
    expect(untouched.headers.get("set-cookie")).toBeNull();
    expect(untouched.headers.get("cache-control")).toBeNull();
    const anonymous = await middleware(apiRequest({}, "/profile"));
    expect(passesThrough(anonymous)).toBe(true);
    expect(anonymous.headers.get("set-cookie")).toBeNull();
  });

  it("stops renewing at the absolute session lifetime (12 hours after sign-in by default)", async () => {
    const start = new Date("2026-11-26T10:00:00Z");
    vi.useFakeTimers({ now: start, toFake: ["Date"] });
    try {
      const signedInLongAgo = Math.floor(start.getTime() / 1000) - 12 * 3600 + 60;
      const old = await sessionCookie({ authTime: signedInLongAgo });
      vi.setSystemTime(new Date(start.getTime() + 10 * 60_000));
      // Past the absolute limit: the cookie is left to expire, however active it is.
      expect((await middleware(apiRequest({ cookie: `${COOKIE}=${old}` }, "/profile"))).headers.get("set-cookie")).toBeNull();
      // A cookie without the sign-in time is never extended either.
      const untimed = await sessionCookie({ authTime: undefined });
      vi.setSystemTime(new Date(start.getTime() + 20 * 60_000));
      expect((await middleware(apiRequest({ cookie: `${COOKIE}=${untimed}` }, "/profile"))).headers.get("set-cookie")).toBeNull();
    } finally {
      vi.useRealTimers();
    }
  });

  it("refuses a cookie past the absolute lifetime on the API, even while its own exp is still ahead", async () => {
    const thirteenHoursAgo = Math.floor(Date.now() / 1000) - 13 * 3600;
    const stale = await sessionCookie({ authTime: thirteenHoursAgo });
    const refused = await middleware(apiRequest({ cookie: `${COOKIE}=${stale}` }, "/api/auth/me"));
    expect(refused.status).toBe(401);
    expect((await refused.json()).error).toBe("token_expired");
    expect(refused.headers.get("set-cookie")).toBeNull();
    const fresh = await sessionCookie({ authTime: thirteenHoursAgo + 3600 + 60 });
    expect(passesThrough(await middleware(apiRequest({ cookie: `${COOKIE}=${fresh}` }, "/api/auth/me")))).toBe(true);
  });

  it("never renews an expired or invalid cookie", async () => {
    const expired = await sessionCookie({}, { maxAge: -3600 });
    for (const cookie of [`${COOKIE}=${expired}`, `${COOKIE}=garbage`]) {
      const response = await middleware(apiRequest({ cookie }, "/profile"));
      expect(passesThrough(response)).toBe(true);
      expect(response.headers.get("set-cookie")).toBeNull();
    }
  });
});

describe("Bearer access tokens at the gate", () => {
  it("passes a valid access token through without a cookie, and refuses one for another audience", async () => {
    const { mintAccessToken } = await import("@/lib/credentials/access-token");
    const keys = await apiTokenKeys();
    const settings = { issuer: "http://localhost:3000", audience: "http://localhost:3000/api", ttlSeconds: 60 };
    const { token } = await mintAccessToken({ userId: "u", role: "viewer", familyId: "f", email: null }, keys, settings);
    const ok = await middleware(apiRequest({ authorization: `Bearer ${token}` }));
    expect(passesThrough(ok)).toBe(true);
    expect(ok.headers.get("set-cookie")).toBeNull();

    const foreign = await mintAccessToken({ userId: "u", role: "viewer", familyId: "f", email: null }, keys, { ...settings, audience: "https://elsewhere/api" });
    const refused = await middleware(apiRequest({ authorization: `Bearer ${foreign.token}` }));
    expect(refused.status).toBe(401);
    expect((await refused.json()).error).toBe("invalid_token");
  });
});
