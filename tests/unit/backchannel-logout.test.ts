import { SignJWT, createLocalJWKSet, exportJWK, generateKeyPair, type CryptoKey } from "jose";
import { describe, expect, it } from "vitest";
import { verifyLogoutToken } from "@/lib/auth/backchannel-logout";

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

const verify = async (token: string) => verifyLogoutToken(token, { issuer: ISSUER, clientId: CLIENT, keys });

describe("verifyLogoutToken", () => {
  it("accepts a logout token from our IdP and returns its sub and sid", async () => {
    expect(await verify(await logoutToken())).toEqual({ ok: true, sub: "dev-alice", sid: "idp-session" });
    expect(await verify(await logoutToken({ sub: undefined }))).toEqual({ ok: true, sub: undefined, sid: "idp-session" });
  });

  it.each([
    ["signed by another key", {}, true],
    ["from another issuer", { iss: "https://evil.test" }, false],
    ["for another client", { aud: "someone-else" }, false],
    ["without iat", { iat: undefined }, false],
    ["without jti", { jti: undefined }, false],
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
