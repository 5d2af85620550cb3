import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT, type JWK, type JWTPayload } from "jose";
import { describe, expect, it } from "vitest";
import { SignInRefusal } from "@/lib/errors/sign-in-failures";
import { verifyIdToken, type IdTokenExpectations } from "@/lib/oidc/verify-id-token";

const ISSUER = "https://idp.test";
const CLIENT = "console";

async function keyPair(alg: string, kid: string | undefined) {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const jwk: JWK = { ...(await exportJWK(publicKey)), alg, use: "sig", ...(kid ? { kid } : {}) };
  return { privateKey, jwk };
}

const rs = await keyPair("RS256", "rs-1");
const rsOther = await keyPair("RS256", "rs-1"); // same kid, other key: a forgery
const rsSecond = await keyPair("RS256", "rs-2");
const es = await keyPair("ES256", "es-1");

const now = () => Math.floor(Date.now() / 1000);

function claims(overrides: JWTPayload = {}): JWTPayload {
  return { iss: ISSUER, aud: CLIENT, sub: "alice", iat: now(), exp: now() + 300, nonce: "n-1", ...overrides };
}

function sign(payload: JWTPayload, key: CryptoKey | Uint8Array = rs.privateKey, header: Record<string, unknown> = { alg: "RS256", kid: "rs-1" }) {
  const jwt = new SignJWT(payload).setProtectedHeader(header as { alg: string });
  return jwt.sign(key);
}

function expectations(overrides: Partial<IdTokenExpectations> = {}): IdTokenExpectations {
  return { issuer: ISSUER, clientId: CLIENT, keys: createLocalJWKSet({ keys: [rs.jwk, es.jwk] }), algorithms: ["RS256", "ES256"], ...overrides };
}

async function reasonFor(token: string | Promise<string>, overrides: Partial<IdTokenExpectations> = {}) {
  try {
    await verifyIdToken(await token, expectations(overrides));
  } catch (error) {
    expect(error).toBeInstanceOf(SignInRefusal);
    expect((error as SignInRefusal).failure.code).toBe("invalid_id_token");
    return (error as SignInRefusal).failure.reason;
  }
  return "accepted";
}

const base64url = (value: string) => Buffer.from(value).toString("base64url");

async function atHash(accessToken: string, digest: "SHA-256" | "SHA-512") {
  const hash = new Uint8Array(await crypto.subtle.digest(digest, new TextEncoder().encode(accessToken)));
  return Buffer.from(hash.slice(0, hash.length / 2)).toString("base64url");
}

describe("verifyIdToken", () => {
  it("accepts a token signed by a published key with the expected claims", async () => {
    const payload = await verifyIdToken(await sign(claims()), expectations());
    expect(payload).toMatchObject({ sub: "alice", nonce: "n-1" });
    expect(await reasonFor(sign(claims(), es.privateKey, { alg: "ES256", kid: "es-1" }))).toBe("accepted");
  });

  it.each([
    ["a key the IdP never published (same kid)", () => sign(claims(), rsOther.privateKey), "signature"],
    ["a kid the IdP does not publish", () => sign(claims(), rsSecond.privateKey, { alg: "RS256", kid: "rs-2" }), "unknown_key"],
    ["HMAC signed with a guessable secret", () => sign(claims(), new TextEncoder().encode("client-secret-client-secret-0123"), { alg: "HS256" }), "algorithm"],
    ["an algorithm the IdP does not advertise", () => sign(claims(), es.privateKey, { alg: "ES256", kid: "es-1" }), "algorithm", { algorithms: ["RS256"] }],
    ["another issuer", () => sign(claims({ iss: "https://evil.test" })), "issuer"],
    ["another audience", () => sign(claims({ aud: "someone-else" })), "audience"],
    ["an extra untrusted audience", () => sign(claims({ aud: [CLIENT, "someone-else"], azp: CLIENT })), "audience"],
    ["another authorized party", () => sign(claims({ azp: "someone-else" })), "azp"],
    ["an expired token", () => sign(claims({ iat: now() - 600, exp: now() - 120 })), "expired"],
    ["an iat in the future", () => sign(claims({ iat: now() + 3600, exp: now() + 7200 })), "issued_in_future"],
    ["an iat long ago", () => sign(claims({ iat: now() - 3600 })), "expired"],
    ["no nonce", () => sign(claims({ nonce: undefined })), "missing_claim"],
    ["no iat", () => sign(claims({ iat: undefined })), "missing_claim"],
    ["no sub", () => sign(claims({ sub: undefined })), "missing_claim"],
    ["a sub over 255 characters (OpenID Connect Core §2)", () => sign(claims({ sub: "s".repeat(256) })), "subject"],
    ["an empty audience", () => sign(claims({ aud: [] })), "audience"],
    ["garbage", () => Promise.resolve("not.a.jwt"), "malformed"],
  ] as [string, () => Promise<string>, string, Partial<IdTokenExpectations>?][])("refuses %s", async (_label, token, reason, overrides = {}) => {
    expect(await reasonFor(token(), overrides)).toBe(reason);
  });

  it("refuses an unsigned token (alg none), even if it names a published kid", async () => {
    const header = base64url(JSON.stringify({ alg: "none", kid: "rs-1" }));
    const token = `${header}.${base64url(JSON.stringify(claims()))}.`;
    expect(await reasonFor(token)).toBe("algorithm");
  });

  it("refuses everything when the IdP advertises no acceptable algorithm", async () => {
    expect(await reasonFor(sign(claims()), { algorithms: [] })).toBe("algorithm");
  });

  it("accepts a token without kid when exactly one published key fits, and refuses it when several do", async () => {
    const withoutKid = sign(claims(), rs.privateKey, { alg: "RS256" });
    expect(await reasonFor(withoutKid, { keys: createLocalJWKSet({ keys: [rs.jwk, es.jwk] }) })).toBe("accepted");
    const twoRsaKeys = createLocalJWKSet({ keys: [rs.jwk, { ...rsSecond.jwk }] });
    expect(await reasonFor(withoutKid, { keys: twoRsaKeys })).toBe("ambiguous_key");
  });

  it("checks at_hash against the access token when the token carries one", async () => {
    const accessToken = "access-token-value";
    const good = sign(claims({ at_hash: await atHash(accessToken, "SHA-256") }));
    expect(await reasonFor(good, { accessToken })).toBe("accepted");
    expect(await reasonFor(good, { accessToken: "another-access-token" })).toBe("at_hash");
    const esToken = sign(claims({ at_hash: await atHash(accessToken, "SHA-256") }), es.privateKey, { alg: "ES256", kid: "es-1" });
    expect(await reasonFor(esToken, { accessToken })).toBe("accepted");
  });
});
