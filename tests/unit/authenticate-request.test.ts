import { describe, expect, it } from "vitest";
import { authenticateRequest } from "@/lib/credentials/authenticate-request";
import { COOKIE, SECRET, apiRequest, authenticationOptions, sessionCookie } from "../support/session-tokens";

const options = await authenticationOptions();
const codeOf = async (headers: Record<string, string>) => {
  const result = await authenticateRequest(apiRequest(headers), options);
  return result.ok ? "ok" : result.code;
};

describe("authenticateRequest", () => {
  it("accepts a session cookie Auth.js wrote and returns the identity", async () => {
    const result = await authenticateRequest(apiRequest({ cookie: `${COOKIE}=${await sessionCookie()}` }), options);
    expect(result).toMatchObject({ ok: true, identity: { userId: "user-1", role: "viewer", familyId: "family-1", via: "cookie", email: "a@example.com" } });
  });

  it("reassembles a session split over numbered cookies", async () => {
    const token = await sessionCookie();
    const half = Math.floor(token.length / 2);
    expect(await codeOf({ cookie: `${COOKIE}.0=${token.slice(0, half)}; ${COOKIE}.1=${token.slice(half)}` })).toBe("ok");
  });

  it("is missing_token with no cookie and no Authorization header", async () => {
    expect(await codeOf({})).toBe("missing_token");
    expect(await codeOf({ cookie: "unrelated=1" })).toBe("missing_token");
  });

  it("is invalid_token for a garbage cookie", async () => {
    expect(await codeOf({ cookie: `${COOKIE}=not-a-jwe` })).toBe("invalid_token");
    expect(await codeOf({ cookie: `${COOKIE}=a.b.c.d.e` })).toBe("invalid_token");
  });

  it("is token_expired for an expired session", async () => {
    expect(await codeOf({ cookie: `${COOKIE}=${await sessionCookie({}, { maxAge: -3600 })}` })).toBe("token_expired");
  });

  it("refuses a token whose header is encoded otherwise than jose writes it (whitespace first) as invalid_token: its signature cannot match", async () => {
    const valid = await sessionCookie();
    expect(valid.startsWith("eyJ")).toBe(true);
    // The same header with a leading space, re-encoded: a token no one can have sealed.
    const [header, ...rest] = valid.split(".");
    const spaced = Buffer.from(` ${Buffer.from(header!, "base64url").toString()}`).toString("base64url");
    expect(spaced.startsWith("eyJ")).toBe(false);
    expect(await codeOf({ cookie: `${COOKIE}=${[spaced, ...rest].join(".")}` })).toBe("invalid_token");
    expect(await codeOf({ authorization: `Bearer ${[spaced, ...rest].join(".")}` })).toBe("invalid_token");
    expect(await codeOf({ authorization: "Bearer garbage.token.value" })).toBe("invalid_token");
  });

  it("is invalid_token for a tampered session", async () => {
    const token = await sessionCookie();
    const parts = token.split(".");
    const ciphertext = parts[3]!;
    parts[3] = (ciphertext[0] === "A" ? "B" : "A") + ciphertext.slice(1);
    expect(await codeOf({ cookie: `${COOKIE}=${parts.join(".")}` })).toBe("invalid_token");
  });

  it("is invalid_token for a session encrypted with another secret", async () => {
    const foreign = await sessionCookie({}, { secret: "another-secret-0123456789abcdefghijklmnop" });
    expect(await codeOf({ cookie: `${COOKIE}=${foreign}` })).toBe("invalid_token");
  });

  it("reads a cookie written before the rename, whose family is called sid", async () => {
    const legacy = await sessionCookie({ familyId: undefined, sid: "family-legacy" });
    const result = await authenticateRequest(apiRequest({ cookie: `${COOKIE}=${legacy}` }), options);
    expect(result).toMatchObject({ ok: true, identity: { familyId: "family-legacy" } });
  });

  it("is invalid_token for a session without a known role or subject", async () => {
    expect(await codeOf({ cookie: `${COOKIE}=${await sessionCookie({ role: "superuser" })}` })).toBe("invalid_token");
    expect(await codeOf({ cookie: `${COOKIE}=${await sessionCookie({ sub: undefined })}` })).toBe("invalid_token");
    expect(await codeOf({ cookie: `${COOKIE}=${await sessionCookie({ familyId: undefined })}` })).toBe("invalid_token");
  });

  it("reads only the cookie name that matches the deployment (no __Secure- cookie over http)", async () => {
    expect(await codeOf({ cookie: `__Secure-${COOKIE}=${await sessionCookie()}` })).toBe("missing_token");
  });

  it("on https, the session cookie is __Host- (Secure, Path=/, no Domain), for Auth.js and for the gate alike", async () => {
    const { buildAuthJsConfig } = await import("@/lib/sign-in/auth-config");
    const { loadEnv } = await import("@/lib/config/env");
    const { sessionCookieName } = await import("@/lib/credentials/session-cookie");
    const https = loadEnv({ AUTH_SECRET: SECRET, API_TOKEN_SIGNING_KEY: "{}", AUTH_URL: "https://console.example" });
    expect(sessionCookieName(https.secureCookies)).toBe("__Host-authjs.session-token");
    expect(buildAuthJsConfig(https).cookies?.sessionToken?.name).toBe("__Host-authjs.session-token");
    expect(buildAuthJsConfig(https).useSecureCookies).toBe(true);
    const http = loadEnv({ AUTH_SECRET: SECRET, API_TOKEN_SIGNING_KEY: "{}" });
    expect(buildAuthJsConfig(http).cookies?.sessionToken?.name).toBe(COOKIE);
    // The gate reads the __Host- name on https and nothing else.
    const options = { ...(await authenticationOptions()), secureCookies: true };
    const cookie = await sessionCookie({}, { salt: "__Host-authjs.session-token" });
    expect((await authenticateRequest(apiRequest({ cookie: `__Host-authjs.session-token=${cookie}` }), options)).ok).toBe(true);
    expect((await authenticateRequest(apiRequest({ cookie: `__Secure-authjs.session-token=${cookie}` }), options)).ok).toBe(false);
  });

  it("is invalid_authorization_header for a header that is not Bearer <token>", async () => {
    expect(await codeOf({ authorization: "Basic dXNlcjpwYXNz" })).toBe("invalid_authorization_header");
    expect(await codeOf({ authorization: "Bearer" })).toBe("invalid_authorization_header");
    expect(await codeOf({ authorization: "Bearer two tokens" })).toBe("invalid_authorization_header");
  });

  it("lets the Authorization header win over a valid cookie", async () => {
    const cookie = `${COOKIE}=${await sessionCookie()}`;
    expect(await codeOf({ cookie, authorization: "Bearer abc.def.ghi" })).toBe("invalid_token");
    expect(await codeOf({ cookie, authorization: "Basic x" })).toBe("invalid_authorization_header");
  });
});
