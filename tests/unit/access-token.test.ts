import { generateKeyPairSync } from "node:crypto";
import { SignJWT, base64url, importJWK, type CryptoKey, type JWK } from "jose";
import { describe, expect, it } from "vitest";
import { MAX_ACCESS_TOKEN_LENGTH, mintAccessToken, verifyAccessToken } from "@/lib/credentials/access-token";
import { ConfigurationError } from "@/lib/config/env";
import { API_SETTINGS, SIGNING_JWK, apiTokenKeys, privateJwk } from "../support/session-tokens";

const keys = await apiTokenKeys();
const signingKey = (await importJWK(SIGNING_JWK, "ES256")) as CryptoKey;
const now = () => Math.floor(Date.now() / 1000);

/** A token built by hand, so each claim and header can be wrong on purpose. */
function craft({
  claims = {},
  header = {},
  key = signingKey,
}: { claims?: Record<string, unknown>; header?: Record<string, unknown>; key?: CryptoKey | Uint8Array } = {}) {
  const payload = {
    sub: "user-1",
    role: "viewer",
    familyId: "family-1",
    iss: API_SETTINGS.issuer,
    aud: API_SETTINGS.audience,
    iat: now(),
    nbf: now() - 1,
    exp: now() + 300,
    jti: "jti-1",
    ...claims,
  };
  return new SignJWT(payload)
    .setProtectedHeader({ alg: "ES256", kid: SIGNING_JWK.kid, typ: "at+jwt", ...header } as { alg: string })
    .sign(key);
}

const verify = async (token: string, withKeys = keys) => {
  const result = await verifyAccessToken(token, withKeys, API_SETTINGS);
  return result.ok ? "ok" : result.code;
};

describe("access tokens", () => {
  it("verifies what it mints, with every claim the API relies on", async () => {
    const { token, expiresAt } = await mintAccessToken({ userId: "user-1", role: "admin", familyId: "family-1", email: "a@example.com" }, keys, { ...API_SETTINGS, ttlSeconds: 900 });
    const result = await verifyAccessToken(token, keys, API_SETTINGS);
    expect(result).toMatchObject({ ok: true, claims: { userId: "user-1", role: "admin", familyId: "family-1", email: "a@example.com", expiresAt } });
    expect(expiresAt - now()).toBeGreaterThan(890);
  });

  it("names the token family familyId (sid is the IdP's session id), and still reads tokens minted as sid before the rename", async () => {
    const { token } = await mintAccessToken({ userId: "user-1", role: "viewer", familyId: "family-1", email: null }, keys, { ...API_SETTINGS, ttlSeconds: 60 });
    const payload = JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString());
    expect(payload).toMatchObject({ familyId: "family-1" });
    expect(payload).not.toHaveProperty("sid");
    const legacy = await craft({ claims: { familyId: undefined, sid: "family-legacy" } });
    expect(await verifyAccessToken(legacy, keys, API_SETTINGS)).toMatchObject({ ok: true, claims: { familyId: "family-legacy" } });
  });

  it("accepts a well-formed hand-made token (so the refusals below are about their one defect)", async () => {
    expect(await verify(await craft())).toBe("ok");
  });

  it("is token_expired after exp", async () => {
    expect(await verify(await craft({ claims: { exp: now() - 60 } }))).toBe("token_expired");
  });

  it.each([
    ["nbf in the future", { claims: { nbf: now() + 600 } }],
    ["another issuer", { claims: { iss: "https://evil.example" } }],
    ["another audience", { claims: { aud: "https://other.example/api" } }],
    ["an unknown kid", { header: { kid: "nobody" } }],
    ["no kid", { header: { kid: undefined } }],
    ["another typ (an ID token, say)", { header: { typ: "JWT" } }],
    ["no familyId", { claims: { familyId: undefined } }],
    ["an unknown role", { claims: { role: "root" } }],
  ])("is invalid_token with %s", async (_label, options) => {
    expect(await verify(await craft(options))).toBe("invalid_token");
  });

  it("is invalid_token when signed by a key that is not ours", async () => {
    const stranger = (await importJWK({ ...(await privateJwk()), kid: SIGNING_JWK.kid }, "ES256")) as CryptoKey;
    expect(await verify(await craft({ key: stranger }))).toBe("invalid_token");
  });

  it("refuses alg none", async () => {
    const encode = (value: object) => base64url.encode(JSON.stringify(value));
    const unsecured = `${encode({ alg: "none", typ: "at+jwt", kid: SIGNING_JWK.kid })}.${encode({
      sub: "user-1", role: "admin", familyId: "family-1", iss: API_SETTINGS.issuer, aud: API_SETTINGS.audience, iat: now(), exp: now() + 300, jti: "x",
    })}.`;
    expect(await verify(unsecured)).toBe("invalid_token");
  });

  it("refuses HS256 signed with the public key (algorithm confusion)", async () => {
    const { d: _private, ...publicJwk } = SIGNING_JWK as JWK;
    for (const secret of [JSON.stringify(publicJwk), publicJwk.x!]) {
      const forged = await craft({ header: { alg: "HS256" }, key: new TextEncoder().encode(secret) });
      expect(await verify(forged)).toBe("invalid_token");
    }
  });

  it("refuses truncated and oversized tokens", async () => {
    const token = await craft();
    expect(await verify(token.slice(0, -10))).toBe("invalid_token");
    expect(await verify(token.split(".").slice(0, 2).join("."))).toBe("invalid_token");
    expect(await verify(await craft({ claims: { padding: "x".repeat(MAX_ACCESS_TOKEN_LENGTH) } }))).toBe("invalid_token");
  });

  it("signs with EdDSA when the configured key is Ed25519", async () => {
    const edKeys = await apiTokenKeys(JSON.stringify(await privateJwk("EdDSA")));
    const { token } = await mintAccessToken({ userId: "u", role: "viewer", familyId: "f", email: null }, edKeys, { ...API_SETTINGS, ttlSeconds: 60 });
    expect(JSON.parse(new TextDecoder().decode(base64url.decode(token.split(".")[0]!))).alg).toBe("EdDSA");
    expect(await verify(token, edKeys)).toBe("ok");
  });
});

describe("key rotation and key configuration", () => {
  it("keeps accepting tokens of a previous key listed in API_TOKEN_PREVIOUS_KEYS, and only then", async () => {
    const oldKeys = await apiTokenKeys();
    const { token } = await mintAccessToken({ userId: "u", role: "viewer", familyId: "f", email: null }, oldKeys, { ...API_SETTINGS, ttlSeconds: 60 });
    const newSigning = JSON.stringify(await privateJwk("ES256", "next-key"));
    const rotated = await apiTokenKeys(newSigning, JSON.stringify(oldKeys.jwks));
    expect(rotated.signing.kid).toBe("next-key");
    expect(await verify(token, rotated)).toBe("ok");
    expect(await verify(token, await apiTokenKeys(newSigning))).toBe("invalid_token");
    expect(rotated.jwks.keys.map((k) => k.kid)).toEqual(["next-key", SIGNING_JWK.kid]);
  });

  it("publishes public keys only", async () => {
    for (const jwk of keys.jwks.keys) {
      expect(jwk).not.toHaveProperty("d");
      expect(jwk).toMatchObject({ kid: expect.any(String), alg: "ES256", use: "sig" });
    }
  });

  it("reads a PKCS#8 PEM private key and derives a kid", async () => {
    const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const pem = privateKey.export({ format: "pem", type: "pkcs8" }).toString();
    const fromPem = await apiTokenKeys(pem.replace(/\n/g, "\\n"));
    expect(fromPem.signing.alg).toBe("ES256");
    expect(fromPem.signing.kid).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it.each([
    ["a public key", async () => { const { d: _d, ...pub } = await privateJwk(); return JSON.stringify(pub); }, "is a public key"],
    ["an RSA key", async () => JSON.stringify({ ...generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ format: "jwk" }) }), "neither an EC P-256 nor an Ed25519"],
    ["not JSON", async () => "{not json", "is not valid JSON"],
    ["neither JWK nor PEM", async () => "hello", "neither a JWK"],
  ])("names API_TOKEN_SIGNING_KEY when it is %s", async (_label, make, problem) => {
    const error = await apiTokenKeys(await make()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toContain("API_TOKEN_SIGNING_KEY");
    expect((error as Error).message).toContain(problem);
  });
});
