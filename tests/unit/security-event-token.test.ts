import { SignJWT, createLocalJWKSet, exportJWK, generateKeyPair, type CryptoKey, type JWTVerifyGetKey } from "jose";
import { describe, expect, it } from "vitest";
import { CAEP_SESSION_REVOKED, RISC_ACCOUNT_DISABLED, SET_MAX_AGE_SECONDS, SSF_VERIFICATION, verifySecurityEventToken } from "@/lib/shared-signals/security-event-token";
import { subjectIdentifierOf } from "@/lib/shared-signals/subject-identifier";

const TRANSMITTER = "https://ssf.idp.test";
const AUDIENCE = "https://console.test/api/shared-signals/stream-1";
const transmitter = await generateKeyPair("ES256", { extractable: true });
const stranger = await generateKeyPair("ES256");
const keys = createLocalJWKSet({ keys: [{ ...(await exportJWK(transmitter.publicKey)), kid: "t1", alg: "ES256" }] });
const now = () => Math.floor(Date.now() / 1000);
const subject = { format: "iss_sub", iss: "https://idp.test", sub: "dev-alice" };

function set(claims: Record<string, unknown> = {}, header: Record<string, unknown> = {}, key: CryptoKey | Uint8Array = transmitter.privateKey) {
  return new SignJWT({ iss: TRANSMITTER, aud: AUDIENCE, iat: now(), jti: "set-1", sub_id: subject, events: { [CAEP_SESSION_REVOKED]: { event_timestamp: now() } }, ...claims })
    .setProtectedHeader({ alg: "ES256", kid: "t1", typ: "secevent+jwt", ...header })
    .sign(key);
}

const verify = (token: string, verifyKeys: JWTVerifyGetKey = keys) => verifySecurityEventToken(token, { issuer: TRANSMITTER, audience: AUDIENCE, keys: verifyKeys });

describe("verifySecurityEventToken", () => {
  it("accepts a CAEP session-revoked SET and names its event, subject and jti", async () => {
    expect(await verify(await set())).toMatchObject({ ok: true, event: { type: CAEP_SESSION_REVOKED, subject: { format: "iss_sub", iss: "https://idp.test", sub: "dev-alice" }, jti: "set-1" } });
  });

  it("reads the subject from the event as well (CAEP's older shape) and from a complex subject's user", async () => {
    const inEvent = await set({ sub_id: undefined, events: { [RISC_ACCOUNT_DISABLED]: { subject: { format: "email", email: "alice@acme.test" } } } });
    expect(await verify(inEvent)).toMatchObject({ ok: true, event: { type: RISC_ACCOUNT_DISABLED, subject: { format: "email", email: "alice@acme.test" } } });
    const complex = await set({ sub_id: { user: { format: "opaque", id: "00u1" }, session: { format: "opaque", id: "s1" } } });
    expect(await verify(complex)).toMatchObject({ ok: true, event: { subject: { format: "opaque", id: "00u1" } } });
  });

  it("accepts the transmitter's verification event without a subject", async () => {
    expect(await verify(await set({ sub_id: undefined, events: { [SSF_VERIFICATION]: { state: "abc" } } }))).toMatchObject({ ok: true, event: { type: SSF_VERIFICATION, subject: null } });
  });

  it.each([
    ["signed by a key the transmitter does not publish", () => set({}, {}, stranger.privateKey), "invalid_key", /signature/],
    ["with a kid the transmitter does not publish", () => set({}, { kid: "t9" }), "invalid_key", /kid/],
    ["from another issuer", () => set({ iss: "https://evil.test" }), "invalid_issuer", /iss/],
    ["for another audience", () => set({ aud: "https://elsewhere.test" }), "invalid_audience", /aud/],
    ["without iat", () => set({ iat: undefined }), "invalid_request", /iat/],
    ["issued too long ago", () => set({ iat: now() - SET_MAX_AGE_SECONDS - 120 }), "invalid_request", /iat.*older/],
    ["issued in the future", () => set({ iat: now() + 600 }), "invalid_request", /iat/],
    ["without jti", () => set({ jti: undefined }), "invalid_request", /jti/],
    ["typed as another kind of JWT", () => set({}, { typ: "JWT" }), "invalid_request", /typ/],
    ["without a typ", () => set({}, { typ: undefined }), "invalid_request", /typ/],
    ["without events", () => set({ events: undefined }), "invalid_request", /events/],
    ["with two events", () => set({ events: { [CAEP_SESSION_REVOKED]: {}, [RISC_ACCOUNT_DISABLED]: {} } }), "invalid_request", /exactly one event/],
    ["naming no subject", () => set({ sub_id: undefined }), "invalid_request", /subject/],
    ["with a subject format it cannot map", () => set({ sub_id: { format: "phone_number", phone_number: "+1" } }), "invalid_request", /phone_number/],
    ["expired", () => set({ exp: now() - 120 }), "invalid_request", /expired/],
  ])("refuses a SET %s, for that reason", async (_name, make, err, description) => {
    const outcome = await verify(await make());
    expect(outcome).toMatchObject({ ok: false, err });
    expect(outcome.ok === false && outcome.description).toMatch(description);
  });

  it("refuses a SET signed with a shared secret (HS256), even one the key set would accept", async () => {
    const secret = new TextEncoder().encode("a-shared-secret-of-at-least-32-bytes!");
    const token = await new SignJWT({ iss: TRANSMITTER, aud: AUDIENCE, iat: now(), jti: "j", sub_id: subject, events: { [CAEP_SESSION_REVOKED]: {} } }).setProtectedHeader({ alg: "HS256", typ: "secevent+jwt" }).sign(secret);
    expect(await verifySecurityEventToken(token, { issuer: TRANSMITTER, audience: AUDIENCE, keys: async () => secret })).toMatchObject({ ok: false, err: "invalid_key" });
  });

  it("refuses a body that is no JWT at all", async () => {
    expect(await verify("not-a-jwt")).toMatchObject({ ok: false, err: "invalid_request" });
  });

  it("throws, rather than blaming the key, when the transmitter's keys cannot be fetched (it should retry)", async () => {
    await expect(verify(await set(), async () => Promise.reject(new TypeError("fetch failed")))).rejects.toThrow(/fetch failed/);
  });
});

describe("subjectIdentifierOf (RFC 9493)", () => {
  it.each([
    [{ format: "iss_sub", iss: "https://idp.test", sub: "s" }, true],
    [{ format: "email", email: "a@b.test" }, true],
    [{ format: "opaque", id: "00u1" }, true],
    [{ user: { format: "email", email: "a@b.test" } }, true],
    [{ format: "iss_sub", iss: "https://idp.test" }, false],
    [{ format: "email", email: "not-an-address" }, false],
    [{ format: "opaque", id: "" }, false],
    [{ format: "account", uri: "acct:a@b.test" }, false],
    ["a@b.test", false],
    [null, false],
  ])("%j → accepted %s", (value, accepted) => {
    expect(subjectIdentifierOf(value).ok).toBe(accepted);
  });
});
