#!/usr/bin/env node
// A small OpenID provider that misbehaves on demand, for the hostile-provider suite
// (tests/e2e/hostile-idp.spec.ts). It speaks the authorization code flow honestly — discovery,
// JWKS, an authorize endpoint that approves at once, a token endpoint that checks the client's
// secret, the code's single use, the redirect URI and PKCE — until a test sets a scenario
// that bends one part: the redirect's parameters, the token endpoint's answer, the ID token's
// header, key or claims, the discovery document, the key set, or the timing.
//
// Control API (tests only, on the same port): POST /__scenario (JSON, replaces the scenario),
// GET /__log (what it saw and every secret it issued), POST /__sign (signs a JWT with one of
// its keys, for logout tokens).
//
// Environment: HOSTILE_OIDC_PORT (default 9430), HOSTILE_OIDC_CLIENT_ID, HOSTILE_OIDC_CLIENT_SECRET,
// HOSTILE_OIDC_REDIRECT_URI.
import { createHash, randomBytes } from "node:crypto";
import http from "node:http";
import { SignJWT, base64url, exportJWK, generateKeyPair } from "jose";

const port = Number(process.env.HOSTILE_OIDC_PORT ?? 9430);
const issuer = `http://127.0.0.1:${port}`;
const client = {
  id: process.env.HOSTILE_OIDC_CLIENT_ID ?? "hostile-suite-client",
  secret: process.env.HOSTILE_OIDC_CLIENT_SECRET ?? "hostile-suite-secret-0123456789",
  redirectUri: process.env.HOSTILE_OIDC_REDIRECT_URI ?? "http://localhost:3110/api/auth/callback/oidc",
};

async function signingKey(alg, kid) {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { alg, kid, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: "sig" } };
}
// k1 signs by default; k2 is published in "several keys" scenarios; "rotated" is published
// only once a scenario rotates to it; "unpublished" never is; es1 is an EC key.
const keys = {
  k1: await signingKey("RS256", "k1"),
  k2: await signingKey("RS256", "k2"),
  rotated: await signingKey("RS256", "k-rotated"),
  unpublished: await signingKey("RS256", "k1"),
  es1: await signingKey("ES256", "es1"),
};
// k1 again, published for encryption only: a relying party must not verify a signature with it.
keys.k1ForEncryption = { ...keys.k1, jwk: { ...keys.k1.jwk, use: "enc" } };

let scenario = {};
const codes = new Map();
const seen = { authorize: [], token: [], userinfo: 0, jwks: 0, discovery: 0, lateAnswers: 0 };
const issued = [];

const now = () => Math.floor(Date.now() / 1000);
const randomToken = (prefix) => `${prefix}${randomBytes(24).toString("base64url")}`;

function metadata() {
  const document = {
    issuer,
    authorization_endpoint: `${issuer}/authorize`,
    token_endpoint: `${issuer}/token`,
    userinfo_endpoint: `${issuer}/userinfo`,
    jwks_uri: `${issuer}/jwks`,
    response_types_supported: ["code"],
    subject_types_supported: ["public"],
    id_token_signing_alg_values_supported: ["RS256", "ES256"],
    token_endpoint_auth_methods_supported: ["client_secret_basic"],
    code_challenge_methods_supported: ["S256"],
    authorization_response_iss_parameter_supported: true,
    scopes_supported: ["openid", "email", "profile"],
  };
  return { ...document, ...scenario.discovery?.override };
}

function publishedKeys() {
  const names = scenario.jwks?.publish ?? ["k1", "es1"];
  return { keys: names.map((name) => keys[name].jwk) };
}

const atHash = (accessToken) => base64url.encode(createHash("sha256").update(accessToken).digest().subarray(0, 16));

/** The ID token the scenario asks for: honest unless told to use another key, header or claims. */
async function idToken(grant, accessToken) {
  const spec = scenario.idToken ?? {};
  const key = keys[spec.key ?? "k1"];
  const claims = {
    iss: issuer,
    aud: client.id,
    sub: grant.sub,
    iat: now(),
    exp: now() + 300,
    nonce: grant.nonce,
    at_hash: atHash(accessToken),
    email: `${grant.sub}@hostile.test`,
    email_verified: true,
    name: "Hostile Case",
    // A value found nowhere else: the suite checks the app never logs claims.
    marker: randomToken("claim-marker-"),
  };
  for (const [claim, offset] of Object.entries(spec.relativeTimes ?? {})) claims[claim] = now() + offset;
  for (const [claim, value] of Object.entries(spec.claims ?? {})) {
    if (value === null) delete claims[claim];
    else claims[claim] = value;
  }
  issued.push(claims.marker);
  if (spec.unsigned) {
    return `${base64url.encode(JSON.stringify({ alg: "none", kid: key.kid }))}.${base64url.encode(JSON.stringify(claims))}.`;
  }
  const header = { alg: key.alg, kid: key.kid, typ: "JWT", ...spec.header };
  for (const [name, value] of Object.entries(header)) if (value === null) delete header[name];
  if (spec.hmacWithClientSecret) return new SignJWT(claims).setProtectedHeader({ alg: "HS256" }).sign(new TextEncoder().encode(client.secret));
  return new SignJWT(claims).setProtectedHeader(header).sign(key.privateKey);
}

function send(res, status, body, headers = {}) {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  res.writeHead(status, { "content-type": typeof body === "string" ? "text/html" : "application/json", "cache-control": "no-store", ...headers });
  res.end(text);
}

async function readBody(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return Buffer.concat(chunks).toString("utf8");
}

/** Holds the answer for `ms`, then gives it (a late answer the app must not act on). */
async function maybeHang(res, spec) {
  if (!spec?.hangMs) return true;
  await new Promise((resolve) => setTimeout(resolve, spec.hangMs));
  seen.lateAnswers++;
  return !res.destroyed;
}

async function authorize(url, res) {
  const params = url.searchParams;
  seen.authorize.push(Object.fromEntries(params));
  if (params.get("client_id") !== client.id || params.get("redirect_uri") !== client.redirectUri) return send(res, 400, "<p>unknown client or redirect_uri</p>");
  const spec = scenario.authorize ?? {};
  const back = new URL(client.redirectUri);
  const state = spec.state === "tampered" ? `${params.get("state")}x` : spec.state === "missing" ? null : params.get("state");
  if (spec.error) {
    back.searchParams.set("error", spec.error);
    if (spec.errorDescription) back.searchParams.set("error_description", spec.errorDescription);
  } else {
    const code = randomToken("code-");
    issued.push(code);
    codes.set(code, {
      sub: spec.sub ?? `hostile-${randomBytes(6).toString("hex")}`,
      nonce: params.get("nonce"),
      challenge: params.get("code_challenge"),
      redirectUri: params.get("redirect_uri"),
      used: false,
    });
    back.searchParams.set("code", spec.code ?? code);
  }
  if (state !== null) back.searchParams.set("state", state);
  const iss = spec.iss === "missing" ? null : spec.iss ?? issuer;
  if (iss !== null) back.searchParams.set("iss", iss);
  for (const [name, value] of Object.entries(spec.extraParams ?? {})) back.searchParams.append(name, value);
  res.writeHead(302, { location: back.toString(), "cache-control": "no-store" });
  res.end();
}

async function token(req, res) {
  const form = new URLSearchParams(await readBody(req));
  const spec = scenario.token ?? {};
  seen.token.push({ grantType: form.get("grant_type"), basicAuth: (req.headers.authorization ?? "").startsWith("Basic ") });
  if (!(await maybeHang(res, spec))) return;
  if (spec.status) return send(res, spec.status, spec.body ?? "<html>down</html>", spec.headers);
  const expected = `Basic ${Buffer.from(`${encodeURIComponent(client.id)}:${encodeURIComponent(client.secret)}`).toString("base64")}`;
  if (req.headers.authorization !== expected) return send(res, 401, { error: "invalid_client" });
  const code = form.get("code");
  const grant = code ? codes.get(code) : undefined;
  if (!grant || grant.used) return send(res, 400, { error: "invalid_grant", error_description: "the code is unknown or was already used" });
  grant.used = true;
  const verifier = form.get("code_verifier") ?? "";
  if (base64url.encode(createHash("sha256").update(verifier).digest()) !== grant.challenge) {
    return send(res, 400, { error: "invalid_grant", error_description: "PKCE verification failed" });
  }
  if (form.get("redirect_uri") !== grant.redirectUri) return send(res, 400, { error: "invalid_grant", error_description: "redirect_uri mismatch" });
  const accessToken = randomToken("access-");
  const refreshToken = randomToken("refresh-");
  const body = { access_token: accessToken, token_type: "Bearer", expires_in: 3600, refresh_token: refreshToken, scope: "openid email profile" };
  if (!scenario.idToken?.omit) body.id_token = await idToken(grant, accessToken);
  issued.push(accessToken, refreshToken, ...(body.id_token ? [body.id_token] : []));
  send(res, 200, body);
}

async function handle(req, res) {
  const url = new URL(req.url ?? "/", issuer);
  if (url.pathname === "/__scenario" && req.method === "POST") {
    scenario = JSON.parse((await readBody(req)) || "{}");
    if (scenario.resetJwksHits) seen.jwks = 0;
    return send(res, 204, "");
  }
  if (url.pathname === "/__log") return send(res, 200, { seen, issued });
  if (url.pathname === "/__sign" && req.method === "POST") {
    const { key = "k1", header = {}, claims } = JSON.parse(await readBody(req));
    const signer = keys[key];
    return send(res, 200, { jwt: await new SignJWT(claims).setProtectedHeader({ alg: signer.alg, kid: signer.kid, ...header }).sign(signer.privateKey) });
  }
  if (url.pathname === "/.well-known/openid-configuration") {
    seen.discovery++;
    if (!(await maybeHang(res, scenario.discovery))) return;
    if (scenario.discovery?.status) return send(res, scenario.discovery.status, "<html>discovery down</html>");
    return send(res, 200, metadata());
  }
  if (url.pathname === "/jwks") {
    seen.jwks++;
    if (!(await maybeHang(res, scenario.jwks))) return;
    if (scenario.jwks?.status) return send(res, scenario.jwks.status, "<html>jwks down</html>");
    return send(res, 200, publishedKeys());
  }
  if (url.pathname === "/authorize") return authorize(url, res);
  if (url.pathname === "/token" && req.method === "POST") return token(req, res);
  if (url.pathname === "/userinfo") {
    seen.userinfo++;
    return send(res, 200, { sub: scenario.userinfo?.sub ?? "someone-else", email: "userinfo@hostile.test" });
  }
  send(res, 404, { error: "not_found" });
}

const server = http.createServer((req, res) => {
  handle(req, res).catch((error) => {
    if (!res.headersSent) send(res, 500, { error: "server_error", error_description: String(error?.message ?? error) });
  });
});
server.listen(port, "127.0.0.1", () => console.log(`[hostile-oidc] listening at ${issuer}`));
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => process.exit(0));
