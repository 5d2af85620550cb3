import { exportJWK, generateKeyPair, jwtVerify, SignJWT, type JWK } from "jose";
import { HttpResponse, http } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { DEFAULT_JWKS_REFETCH_COOLDOWN_MS, DEFAULT_METADATA_TTL_MS, IdentityProvider, MAX_IDP_BODY_BYTES } from "@/lib/oidc/identity-provider";

// msw stands in for the IdP's HTTP answers (counted); the real flow runs in the e2e suites.
const ISSUER = "https://idp.test";
const DISCOVERY = `${ISSUER}/.well-known/openid-configuration`;
const JWKS = `${ISSUER}/jwks`;
const metadata = { issuer: ISSUER, jwks_uri: JWKS, token_endpoint: `${ISSUER}/token`, id_token_signing_alg_values_supported: ["RS256", "HS256", "none"] };

async function signingKey(kid: string) {
  const { privateKey, publicKey } = await generateKeyPair("RS256", { extractable: true });
  return { privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: "RS256", use: "sig" } as JWK };
}
const first = await signingKey("k1");
const rotated = await signingKey("k2");
const token = (key: { privateKey: CryptoKey }, kid: string) => new SignJWT({ sub: "a" }).setProtectedHeader({ alg: "RS256", kid }).sign(key.privateKey);

const server = setupServer();
const hits = { discovery: 0, jwks: 0 };
let publishedKeys: JWK[] = [first.jwk];
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => {
  server.resetHandlers();
  vi.useRealTimers();
  hits.discovery = 0;
  hits.jwks = 0;
  publishedKeys = [first.jwk];
});
afterAll(() => server.close());

function healthyIdp() {
  server.use(
    http.get(DISCOVERY, () => {
      hits.discovery++;
      return HttpResponse.json(metadata);
    }),
    http.get(JWKS, () => {
      hits.jwks++;
      return HttpResponse.json({ keys: publishedKeys });
    }),
  );
}

describe("IdentityProvider", () => {
  it("fetches discovery once per TTL for every caller, Auth.js's requests through `fetch` included", async () => {
    healthyIdp();
    const idp = new IdentityProvider(ISSUER, { timeoutMs: 1000 });
    await Promise.all([idp.metadata(), idp.metadata(), idp.fetch(DISCOVERY), idp.fetch(new URL(DISCOVERY))]);
    const served = await (await idp.fetch(DISCOVERY)).json();
    expect(served).toEqual(metadata);
    expect(hits.discovery).toBe(1);
    await idp.metadata(Date.now() + DEFAULT_METADATA_TTL_MS + 1);
    expect(hits.discovery).toBe(2);
  });

  it("never caches a failure, and refuses a document naming another issuer", async () => {
    server.use(http.get(DISCOVERY, () => new HttpResponse("down", { status: 503 }), { once: true }));
    const idp = new IdentityProvider(ISSUER, { timeoutMs: 1000 });
    await expect(idp.metadata()).rejects.toMatchObject({ name: "IdpMetadataError", status: 503 });
    healthyIdp();
    await expect(idp.metadata()).resolves.toMatchObject({ issuer: ISSUER });
    server.use(http.get(`https://other.test/.well-known/openid-configuration`, () => HttpResponse.json(metadata)));
    await expect(new IdentityProvider("https://other.test", { timeoutMs: 1000 }).metadata()).rejects.toThrow("names another issuer");
  });

  it("bounds every call by the timeout, even when the IdP accepts the connection and never answers", async () => {
    server.use(http.post(`${ISSUER}/token`, () => new Promise<Response>(() => {})));
    const idp = new IdentityProvider(ISSUER, { timeoutMs: 500 });
    await expect(idp.fetch(`${ISSUER}/token`, { method: "POST" })).rejects.toMatchObject({ name: "TimeoutError" });
  });

  it("bounds the whole call: a body that trickles in is abandoned at the same timeout as silence", async () => {
    server.use(
      http.get(JWKS, () => {
        const stream = new ReadableStream({ start: (controller) => controller.enqueue(new TextEncoder().encode('{"keys":[')) });
        return new HttpResponse(stream, { headers: { "content-type": "application/json" } });
      }),
    );
    const idp = new IdentityProvider(ISSUER, { timeoutMs: 500 });
    const response = await idp.fetch(JWKS);
    await expect(response.text()).rejects.toMatchObject({ name: "TimeoutError" });
  });

  it("never follows a redirect from an IdP endpoint: the client's credentials never go anywhere else", async () => {
    let elsewhere = 0;
    server.use(
      http.post(`${ISSUER}/token`, () => new HttpResponse(null, { status: 307, headers: { location: "https://attacker.test/token" } })),
      http.post("https://attacker.test/token", () => {
        elsewhere++;
        return HttpResponse.json({ access_token: "x" });
      }),
    );
    const idp = new IdentityProvider(ISSUER, { timeoutMs: 1000 });
    const response = await idp.fetch(`${ISSUER}/token`, { method: "POST", headers: { authorization: "Basic c2VjcmV0" }, body: "grant_type=authorization_code" });
    expect(response.status).toBe(307);
    expect(elsewhere).toBe(0);
  });

  it("caps every body it reads from the IdP", async () => {
    server.use(http.get(JWKS, () => HttpResponse.json({ keys: [], padding: "x".repeat(MAX_IDP_BODY_BYTES) })));
    const idp = new IdentityProvider(ISSUER, { timeoutMs: 1000 });
    await expect((await idp.fetch(JWKS)).json()).rejects.toThrow(/larger than 512 KiB/);
    healthyIdp();
    expect(await (await idp.fetch(JWKS)).json()).toMatchObject({ keys: [expect.objectContaining({ kid: "k1" })] });
  });

  it.each(["jwks_uri", "token_endpoint", "end_session_endpoint", "authorization_endpoint"])("refuses a discovery document whose %s is plain http (for an https issuer)", async (name) => {
    server.use(http.get(DISCOVERY, () => HttpResponse.json({ ...metadata, [name]: "http://idp.test/plain" })));
    await expect(new IdentityProvider(ISSUER, { timeoutMs: 1000 }).metadata()).rejects.toThrow(`the discovery document's ${name} is not an https URL`);
  });

  it("lets a loopback http issuer (the bundled provider) name loopback http endpoints, and nothing else over http", async () => {
    const local = "http://127.0.0.1:9400";
    server.use(http.get(`${local}/.well-known/openid-configuration`, () => HttpResponse.json({ issuer: local, jwks_uri: `${local}/jwks`, token_endpoint: `${local}/token` }), { once: true }));
    await expect(new IdentityProvider(local, { timeoutMs: 1000 }).metadata()).resolves.toMatchObject({ issuer: local });
    server.use(http.get(`${local}/.well-known/openid-configuration`, () => HttpResponse.json({ issuer: local, jwks_uri: "http://keys.example.com/jwks" }), { once: true }));
    await expect(new IdentityProvider(local, { timeoutMs: 1000 }).metadata()).rejects.toThrow("jwks_uri is not an https URL");
  });

  it("accepts only asymmetric algorithms the IdP advertises", async () => {
    healthyIdp();
    expect(await new IdentityProvider(ISSUER, { timeoutMs: 1000 }).signingAlgorithms()).toEqual(["RS256"]);
  });

  it("picks up a key the IdP rotates in without a restart, refetching on an unknown kid at most once per cooldown", async () => {
    healthyIdp();
    vi.useFakeTimers({ toFake: ["Date"], now: new Date("2026-11-27T10:00:00Z") });
    const idp = new IdentityProvider(ISSUER, { timeoutMs: 1000 });
    const keys = await idp.keys();
    await expect(jwtVerify(await token(first, "k1"), keys)).resolves.toBeTruthy();
    expect(hits.jwks).toBe(1);

    // A flood of tokens naming an unknown kid within the cooldown: no refetch at all.
    vi.setSystemTime(Date.now() + 1000);
    for (let i = 0; i < 5; i++) await expect(jwtVerify(await token(rotated, "k2"), keys)).rejects.toMatchObject({ code: "ERR_JWKS_NO_MATCHING_KEY" });
    expect(hits.jwks).toBe(1);

    // The IdP rotates k2 in; after the cooldown, one refetch finds it.
    publishedKeys = [first.jwk, rotated.jwk];
    vi.setSystemTime(Date.now() + DEFAULT_JWKS_REFETCH_COOLDOWN_MS);
    await expect(jwtVerify(await token(rotated, "k2"), keys)).resolves.toBeTruthy();
    expect(hits.jwks).toBe(2);
  });
});
