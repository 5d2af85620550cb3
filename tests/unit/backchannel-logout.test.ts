import { SignJWT, createLocalJWKSet, exportJWK, generateKeyPair, type CryptoKey } from "jose";
import { describe, expect, it } from "vitest";
import { verifyLogoutToken } from "@/lib/sessions/backchannel-logout";

const ISSUER = "https://idp.test";
const CLIENT = "console";
const EVENT = "http://schemas.openid.net/event/backchannel-logout";

const idp = await generateKeyPair("RS256", { extractable: true });
const stranger = await generateKeyPair("RS256");
const keys = createLocalJWKSet({ keys: [{ ...(await exportJWK(idp.publicKey)), kid: "idp", alg: "RS256" }] });

function logoutToken(claims: Record<string, unknown> = {}, key: CryptoKey = idp.privateKey) {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ iss: ISSUER, aud: CLIENT, iat: now, exp: now + 120, jti: "j1", sub: "dev-alice", sid: "idp-session", events: { [EVENT]: {} }, ...claims })
    .setProtectedHeader({ alg: "RS256", kid: "idp", typ: "logout+jwt" })
    .sign(key);
}

const verify = async (token: string, verifyKeys = keys) => verifyLogoutToken(token, { issuer: ISSUER, clientId: CLIENT, keys: verifyKeys, algorithms: ["RS256", "ES256"] });

describe("verifyLogoutToken", () => {
  it("accepts a logout token from our IdP and returns its sub and sid", async () => {
    expect(await verify(await logoutToken())).toMatchObject({ ok: true, sub: "dev-alice", sid: "idp-session", jti: "j1" });
    expect(await verify(await logoutToken({ sub: undefined }))).toMatchObject({ ok: true, sub: undefined, sid: "idp-session" });
  });

  it.each([
    ["signed by another key", {}, true],
    ["from another issuer", { iss: "https://evil.test" }, false],
    ["for another client", { aud: "someone-else" }, false],
    ["without iat", { iat: undefined }, false],
    ["without jti", { jti: undefined }, false],
    ["without exp", { exp: undefined }, false],
    ["expired", { iat: Math.floor(Date.now() / 1000) - 240, exp: Math.floor(Date.now() / 1000) - 120 }, false],
    ["issued long ago", { iat: Math.floor(Date.now() / 1000) - 3600 }, false],
    ["without the back-channel event", { events: undefined }, false],
    ["with another event", { events: { "http://example.com/other": {} } }, false],
    ["with a nonce (an ID token, not a logout token)", { nonce: "n" }, false],
    ["naming neither sub nor sid", { sub: undefined, sid: undefined }, false],
  ])("refuses a token %s", async (_label, claims, foreignKey) => {
    const token = await logoutToken(claims, foreignKey ? stranger.privateKey : idp.privateKey);
    expect((await verify(token)).ok).toBe(false);
  });
});

describe("verifyLogoutToken's header rules", () => {
  const now = Math.floor(Date.now() / 1000);
  const claims = { iss: ISSUER, aud: CLIENT, iat: now, exp: now + 120, jti: "j2", sid: "s", events: { [EVENT]: {} } };
  const signWith = (header: Record<string, unknown>, key: CryptoKey = idp.privateKey) => new SignJWT(claims).setProtectedHeader(header as { alg: string }).sign(key);

  it("accepts typ logout+jwt or no typ, and refuses another typ", async () => {
    expect((await verify(await signWith({ alg: "RS256", kid: "idp" }))).ok).toBe(true);
    expect(await verify(await signWith({ alg: "RS256", kid: "idp", typ: "JWT" }))).toEqual({ ok: false, message: "the logout token's typ is not logout+jwt" });
  });

  it("applies the sign-in's kid rule: without kid, only when exactly one published key fits", async () => {
    const noKid = await signWith({ alg: "RS256" });
    expect((await verify(noKid)).ok).toBe(true);
    const second = await generateKeyPair("RS256", { extractable: true });
    const twoKeys = createLocalJWKSet({ keys: [{ ...(await exportJWK(idp.publicKey)), kid: "idp", alg: "RS256" }, { ...(await exportJWK(second.publicKey)), kid: "other", alg: "RS256" }] });
    expect(await verify(noKid, twoKeys)).toEqual({ ok: false, message: "the logout token names no kid and several published keys fit" });
  });

  it("refuses HMAC and unsigned tokens", async () => {
    const hmac = await new SignJWT(claims).setProtectedHeader({ alg: "HS256" }).sign(new TextEncoder().encode("c".repeat(32)));
    expect((await verify(hmac)).ok).toBe(false);
    const unsigned = `${Buffer.from(JSON.stringify({ alg: "none" })).toString("base64url")}.${Buffer.from(JSON.stringify(claims)).toString("base64url")}.`;
    expect((await verify(unsigned)).ok).toBe(false);
  });
});
