import { SignJWT, calculateJwkThumbprint, exportJWK, generateKeyPair, type CryptoKey, type JWK } from "jose";
import { describe, expect, it } from "vitest";
import { DPOP_PROOF_WINDOW_SECONDS, accessTokenHash, normalisedHtu, verifyDpopProof } from "@/lib/credentials/dpop-proof";

const client = await generateKeyPair("ES256", { extractable: true });
const other = await generateKeyPair("ES256", { extractable: true });
const publicJwk = await exportJWK(client.publicKey);
const privateJwk = await exportJWK(client.privateKey);
const REQUEST = { method: "GET", uri: "https://console.test/api/auth/me" };
const ACCESS_TOKEN = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ1In0.signature";
const now = () => Math.floor(Date.now() / 1000);

async function proof(claims: Record<string, unknown> = {}, header: Record<string, unknown> = {}, key: CryptoKey = client.privateKey) {
  return new SignJWT({ htm: "GET", htu: REQUEST.uri, iat: now(), jti: crypto.randomUUID(), ...claims }).setProtectedHeader({ alg: "ES256", typ: "dpop+jwt", jwk: publicJwk, ...header }).sign(key);
}

describe("verifyDpopProof (RFC 9449 §4.3)", () => {
  it("accepts a proof for this request and answers the key's thumbprint, its jti and iat", async () => {
    const outcome = await verifyDpopProof(await proof(), REQUEST);
    expect(outcome).toMatchObject({ ok: true, proof: { jkt: await calculateJwkThumbprint(publicJwk as JWK, "sha256"), jti: expect.any(String) } });
  });

  it("accepts one bound to the access token presented (ath) and signed by the key the token names", async () => {
    const jkt = await calculateJwkThumbprint(publicJwk as JWK, "sha256");
    const bound = await proof({ ath: await accessTokenHash(ACCESS_TOKEN) });
    expect(await verifyDpopProof(bound, REQUEST, { accessToken: ACCESS_TOKEN, boundJkt: jkt })).toMatchObject({ ok: true });
  });

  it.each([
    ["not a JWT", () => Promise.resolve("not-a-jwt"), {}, "malformed"],
    ["typed as another JWT", () => proof({}, { typ: "JWT" }), {}, "typ"],
    ["signed with a shared secret", () => new SignJWT({ htm: "GET", htu: REQUEST.uri, iat: now(), jti: "j" }).setProtectedHeader({ alg: "HS256", typ: "dpop+jwt", jwk: publicJwk }).sign(new TextEncoder().encode("a-shared-secret-of-at-least-32-bytes!")), {}, "alg"],
    ["without a jwk in its header", () => proof({}, { jwk: undefined }), {}, "jwk"],
    ["with a private key in its header", () => proof({}, { jwk: privateJwk }), {}, "jwk"],
    ["signed by another key than its jwk", () => proof({}, {}, other.privateKey), {}, "signature"],
    ["for another method", () => proof({ htm: "POST" }), {}, "htm"],
    ["for another URI", () => proof({ htu: "https://console.test/api/auth/verify" }), {}, "htu"],
    ["for another host", () => proof({ htu: "https://elsewhere.test/api/auth/me" }), {}, "htu"],
    ["issued too long ago", () => proof({ iat: now() - DPOP_PROOF_WINDOW_SECONDS - 5 }), {}, "iat"],
    ["issued in the future", () => proof({ iat: now() + DPOP_PROOF_WINDOW_SECONDS + 5 }), {}, "iat"],
    ["without iat", () => proof({ iat: undefined }), {}, "iat"],
    ["without jti", () => proof({ jti: undefined }), {}, "jti"],
    ["without ath, an access token presented", () => proof(), { accessToken: ACCESS_TOKEN }, "ath"],
    ["with the hash of another token", async () => proof({ ath: await accessTokenHash("another-token") }), { accessToken: ACCESS_TOKEN }, "ath"],
    ["signed by a key the token is not bound to", async () => proof({ ath: await accessTokenHash(ACCESS_TOKEN) }), { accessToken: ACCESS_TOKEN, boundJkt: "someone-elses-thumbprint" }, "key_mismatch"],
  ])("refuses a proof %s, for that reason", async (_name, make, options, reason) => {
    const outcome = await verifyDpopProof(await make(), REQUEST, options);
    expect(outcome).toMatchObject({ ok: false, reason });
  });

  it("compares htu without query or fragment, scheme and host in any case, the default port dropped", async () => {
    expect(await verifyDpopProof(await proof({ htu: "HTTPS://Console.Test:443/api/auth/me" }), { method: "get", uri: "https://console.test/api/auth/me?x=1#f" })).toMatchObject({ ok: true });
    expect(normalisedHtu("https://console.test/api/./auth/../auth/me?a=b")).toBe("https://console.test/api/auth/me");
    expect(normalisedHtu("ftp://console.test/x")).toBeNull();
    expect(normalisedHtu("not a url")).toBeNull();
  });
});
