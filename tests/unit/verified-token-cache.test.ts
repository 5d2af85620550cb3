import { base64url } from "jose";
import { afterEach, describe, expect, it, vi } from "vitest";
import { mintAccessToken } from "@/lib/credentials/access-token";
import { authenticateRequest, type AuthenticationOptions } from "@/lib/credentials/authenticate-request";
import { ExpiringCache } from "@/lib/expiring-cache";
import { API_SETTINGS, COOKIE, apiRequest, authenticationOptions, sessionCookie } from "../support/session-tokens";

async function cachedOptions(): Promise<AuthenticationOptions & { cache: ExpiringCache<never> }> {
  return { ...(await authenticationOptions()), cache: new ExpiringCache(100) } as AuthenticationOptions & { cache: ExpiringCache<never> };
}

const mint = async (options: AuthenticationOptions, ttlSeconds = 300) =>
  (await mintAccessToken({ userId: "u", role: "viewer", familyId: "f", email: null }, options.apiTokens.keys, { ...API_SETTINGS, ttlSeconds })).token;

const bearer = (token: string) => apiRequest({ authorization: `Bearer ${token}` });
const outcome = async (request: ReturnType<typeof apiRequest>, options: AuthenticationOptions) => {
  const result = await authenticateRequest(request, options);
  return result.ok ? "ok" : result.code;
};

afterEach(() => vi.useRealTimers());

describe("the verified-token cache", () => {
  it("remembers a verified token, and still verifies in full any token it has not verified", async () => {
    const options = await cachedOptions();
    const token = await mint(options);
    expect(await outcome(bearer(token), options)).toBe("ok");
    expect(options.cache.size).toBe(1);

    const [header, payload, signature] = token.split(".") as [string, string, string];
    const flipped = signature.slice(0, -2) + (signature.at(-2) === "A" ? "B" : "A") + signature.at(-1);
    expect(await outcome(bearer(`${header}.${payload}.${flipped}`), options)).toBe("invalid_token");
    const none = base64url.encode(JSON.stringify({ alg: "none", typ: "at+jwt", kid: options.apiTokens.keys.signing.kid }));
    expect(await outcome(bearer(`${none}.${payload}.`), options)).toBe("invalid_token");
    expect(await outcome(bearer(`${header}.${payload}`), options)).toBe("invalid_token");
    expect(options.cache.size).toBe(1);
  });

  it("keeps cookie and Bearer verdicts apart: a cached session cookie sent as a Bearer token is verified as one", async () => {
    const options = await cachedOptions();
    const session = await sessionCookie();
    expect(await outcome(apiRequest({ cookie: `${COOKIE}=${session}` }), options)).toBe("ok");
    expect(await outcome(bearer(session), options)).toBe("invalid_token");
  });

  it("never serves a verdict past the token's exp", async () => {
    vi.useFakeTimers({ now: new Date("2026-11-26T10:00:00Z"), toFake: ["Date"] });
    const options = await cachedOptions();
    const token = await mint(options, 60);
    expect(await outcome(bearer(token), options)).toBe("ok");
    vi.setSystemTime(new Date("2026-11-26T10:01:30Z"));
    expect(await outcome(bearer(token), options)).toBe("token_expired");
    expect(options.cache.size).toBe(0);
  });

  it("caches cookie sessions the same way, only until their exp", async () => {
    vi.useFakeTimers({ now: new Date("2026-11-26T10:00:00Z"), toFake: ["Date"] });
    const options = await cachedOptions();
    const cookie = `${COOKIE}=${await sessionCookie({}, { maxAge: 60 })}`;
    expect(await outcome(apiRequest({ cookie }), options)).toBe("ok");
    expect(options.cache.size).toBe(1);
    vi.setSystemTime(new Date("2026-11-26T10:01:30Z"));
    expect(await outcome(apiRequest({ cookie }), options)).toBe("token_expired");
  });

  it("stores nothing for a flood of garbage, forged or expired tokens", async () => {
    const options = await cachedOptions();
    const expired = await mintAccessToken({ userId: "u", role: "viewer", familyId: "f", email: null }, options.apiTokens.keys, { ...API_SETTINGS, ttlSeconds: -60 });
    for (let i = 0; i < 200; i++) {
      await authenticateRequest(bearer(`garbage.${i}.token`), options);
      await authenticateRequest(apiRequest({ cookie: `${COOKIE}=forged-${i}` }), options);
    }
    await authenticateRequest(bearer(expired.token), options);
    expect(options.cache.size).toBe(0);
  });

  it("is bounded: past its size the oldest entries go", () => {
    const cache = new ExpiringCache<number>(3);
    const far = Date.now() + 60_000;
    for (let i = 0; i < 5; i++) cache.set(`token-${i}`, i, far);
    expect(cache.size).toBe(3);
    expect(cache.get("token-0")).toBeUndefined();
    expect(cache.get("token-1")).toBeUndefined();
    expect(cache.get("token-4")).toBe(4);
  });
});
