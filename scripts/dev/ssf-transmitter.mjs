#!/usr/bin/env node
// A small local transmitter of the revocations an identity provider pushes, for trying the
// console's receivers and for the tests: it publishes a signing key (JWKS, with the discovery
// documents an SSF transmitter and an OpenID provider serve) and signs with it
// - Security Event Tokens (RFC 8417) pushed to a Shared Signals stream (RFC 8935);
// - Universal Logout requests (a signed JWT as Authorization: Bearer, the subject in the body),
//   as Okta sends them to an app's global token revocation endpoint.
// Never for production: its key lives in memory.
//
//   node scripts/dev/ssf-transmitter.mjs [--port 9460]
//   curl -X POST localhost:9460/send -d '{"endpoint":"…/api/shared-signals/<id>","audience":"…","event":"session-revoked","subject":{"format":"email","email":"alice@example.com"}}'
//   curl -X POST localhost:9460/universal-logout -d '{"endpoint":"…/api/universal-logout/<connection>","subject":{"format":"email","email":"alice@example.com"}}'
import { randomUUID } from "node:crypto";
import http from "node:http";
import { pathToFileURL } from "node:url";
import { SignJWT, exportJWK, generateKeyPair } from "jose";

/** The event types by the short names `send` takes. */
export const EVENT_TYPES = {
  "session-revoked": "https://schemas.openid.net/secevent/caep/event-type/session-revoked",
  "account-disabled": "https://schemas.openid.net/secevent/risc/event-type/account-disabled",
  "account-enabled": "https://schemas.openid.net/secevent/risc/event-type/account-enabled",
  "credential-change-required": "https://schemas.openid.net/secevent/risc/event-type/credential-change-required",
  verification: "https://schemas.openid.net/secevent/ssf/event-type/verification",
};

async function readJson(request) {
  const chunks = [];
  for await (const chunk of request) chunks.push(chunk);
  return JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}");
}

/**
 * Starts the transmitter on `host:port` (0: any free port). Its issuer is its own URL; the
 * returned functions sign and push as a real transmitter would (`claims` and `header` override
 * what it writes, to make a bad one on purpose).
 */
export async function startTransmitter({ host = "127.0.0.1", port = 0 } = {}) {
  const { privateKey, publicKey } = await generateKeyPair("ES256", { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid: `transmitter-${randomUUID().slice(0, 8)}`, alg: "ES256", use: "sig" };
  let issuer = "";
  const documents = () => ({
    "/jwks.json": { keys: [jwk] },
    "/.well-known/ssf-configuration": { spec_version: "1_0", issuer, jwks_uri: `${issuer}/jwks.json`, delivery_methods_supported: ["urn:ietf:rfc:8935"] },
    // Enough of an OpenID provider's discovery for a connection's keys (Universal Logout is signed by the IdP).
    "/.well-known/openid-configuration": { issuer, jwks_uri: `${issuer}/jwks.json`, authorization_endpoint: `${issuer}/authorize`, token_endpoint: `${issuer}/token`, id_token_signing_alg_values_supported: ["ES256"] },
  });

  const sign = (claims, header = {}) => new SignJWT(claims).setProtectedHeader({ alg: "ES256", kid: jwk.kid, ...header }).sign(privateKey);

  /** A SET of one event about `subject` for `audience` (RFC 8417; SSF 1.0's sub_id). */
  const signSet = ({ audience, event, subject, claims = {}, header = {} }) =>
    sign({ iss: issuer, aud: audience, iat: Math.floor(Date.now() / 1000), jti: randomUUID(), sub_id: subject, events: { [EVENT_TYPES[event] ?? event]: { event_timestamp: Math.floor(Date.now() / 1000) } }, ...claims }, { typ: "secevent+jwt", ...header });

  /** Pushes a SET (RFC 8935) and answers the receiver's status and body. */
  async function pushSet(endpoint, options) {
    const token = typeof options === "string" ? options : await signSet({ audience: endpoint, ...options });
    const response = await fetch(endpoint, { method: "POST", headers: { "content-type": "application/secevent+jwt", accept: "application/json" }, body: token });
    return { status: response.status, body: await response.text(), token };
  }

  /** Okta's Universal Logout request: a JWT for the endpoint, the subject in the body. */
  async function universalLogout(endpoint, subject, { claims = {}, header = {} } = {}) {
    const now = Math.floor(Date.now() / 1000);
    const token = await sign({ iss: issuer, aud: endpoint, iat: now, exp: now + 300, jti: randomUUID(), ...claims }, header);
    const response = await fetch(endpoint, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify({ sub_id: subject }) });
    return { status: response.status, body: await response.text(), token };
  }

  const server = http.createServer(async (request, response) => {
    const path = new URL(request.url ?? "/", "http://transmitter").pathname;
    const reply = (status, body) => {
      response.writeHead(status, { "content-type": "application/json" });
      response.end(JSON.stringify(body));
    };
    try {
      const document = documents()[path];
      if (request.method === "GET" && document) return reply(200, document);
      if (request.method === "POST" && path === "/send") {
        const { endpoint, ...options } = await readJson(request);
        return reply(200, await pushSet(endpoint, { ...options, audience: options.audience ?? endpoint }));
      }
      if (request.method === "POST" && path === "/universal-logout") {
        const { endpoint, subject } = await readJson(request);
        return reply(200, await universalLogout(endpoint, subject));
      }
      reply(404, { error: "not_found" });
    } catch (error) {
      reply(500, { error: error instanceof Error ? error.message : String(error) });
    }
  });
  await new Promise((resolve) => server.listen(port, host, resolve));
  const address = server.address();
  issuer = `http://${host}:${typeof address === "object" && address ? address.port : port}`;
  return {
    issuer,
    jwksUri: `${issuer}/jwks.json`,
    signSet,
    pushSet,
    universalLogout,
    close: () => new Promise((resolve) => server.close(() => resolve(undefined))),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const portIndex = process.argv.indexOf("--port");
  const transmitter = await startTransmitter({ port: portIndex > 0 ? Number(process.argv[portIndex + 1]) : 9460 });
  console.log(`SSF transmitter: issuer ${transmitter.issuer}, keys ${transmitter.jwksUri}`);
  const stop = () => transmitter.close().then(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}
