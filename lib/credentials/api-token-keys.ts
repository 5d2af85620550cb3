import { calculateJwkThumbprint, exportJWK, importJWK, importPKCS8, type CryptoKey, type JWK } from "jose";
import { ConfigurationError } from "../config/env";

/** The only signature algorithms access tokens may use: asymmetric, no `none`, no HMAC. */
export const ACCESS_TOKEN_ALGORITHMS = ["ES256", "EdDSA"] as const;
export type AccessTokenAlgorithm = (typeof ACCESS_TOKEN_ALGORITHMS)[number];

export type ApiTokenKeys = {
  signing: { kid: string; alg: AccessTokenAlgorithm; key: CryptoKey };
  /** Every key a token may be verified with, by `kid`: the signing key and the previous ones. */
  verification: ReadonlyMap<string, { alg: AccessTokenAlgorithm; key: CryptoKey }>;
  /** The public keys, as served at /.well-known/jwks.json. */
  jwks: { keys: JWK[] };
};

function algorithmOf(jwk: JWK): AccessTokenAlgorithm | undefined {
  if (jwk.kty === "EC" && jwk.crv === "P-256") return "ES256";
  if (jwk.kty === "OKP" && jwk.crv === "Ed25519") return "EdDSA";
  return undefined;
}

function publicPart(jwk: JWK): JWK {
  const { kty, crv, x, y } = jwk;
  return y === undefined ? { kty, crv, x } : { kty, crv, x, y };
}

function invalid(variable: string, problem: string): never {
  throw new ConfigurationError([{ variable, problem }]);
}

async function readPrivateJwk(text: string): Promise<JWK> {
  const value = text.trim();
  if (value.startsWith("{")) {
    let jwk: JWK;
    try {
      jwk = JSON.parse(value) as JWK;
    } catch {
      return invalid("API_TOKEN_SIGNING_KEY", "is not valid JSON");
    }
    if (!jwk.d) invalid("API_TOKEN_SIGNING_KEY", "is a public key (a private key is needed to sign)");
    return jwk;
  }
  if (value.includes("-----BEGIN PRIVATE KEY-----")) {
    // PEM from an environment variable often arrives with literal "\n".
    const pem = value.replace(/\\n/g, "\n");
    for (const alg of ACCESS_TOKEN_ALGORITHMS) {
      try {
        return await exportJWK(await importPKCS8(pem, alg, { extractable: true }));
      } catch {
        // try the next algorithm
      }
    }
    return invalid("API_TOKEN_SIGNING_KEY", "is a PEM key that is neither EC P-256 nor Ed25519");
  }
  return invalid("API_TOKEN_SIGNING_KEY", "is neither a JWK (JSON) nor a PKCS#8 PEM private key");
}

function readPublicJwks(text: string | undefined): JWK[] {
  if (!text?.trim()) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return invalid("API_TOKEN_PREVIOUS_KEYS", "is not valid JSON");
  }
  const keys = Array.isArray(parsed) ? parsed : (parsed as { keys?: unknown })?.keys;
  if (!Array.isArray(keys)) return invalid("API_TOKEN_PREVIOUS_KEYS", "is neither a JSON array nor a JWKS");
  return keys as JWK[];
}

async function loadKeys(signingKey: string, previousKeys: string | undefined): Promise<ApiTokenKeys> {
  const privateJwk = await readPrivateJwk(signingKey);
  const alg = algorithmOf(privateJwk);
  if (!alg) invalid("API_TOKEN_SIGNING_KEY", "is neither an EC P-256 nor an Ed25519 key");
  const signingPublic = publicPart(privateJwk);
  const kid = privateJwk.kid ?? (await calculateJwkThumbprint(signingPublic));
  const signing = { kid, alg, key: (await importJWK({ ...privateJwk, alg }, alg)) as CryptoKey };

  const verification = new Map<string, { alg: AccessTokenAlgorithm; key: CryptoKey }>();
  const jwks: JWK[] = [];
  const publicJwks = [{ ...signingPublic, kid }, ...readPublicJwks(previousKeys)];
  for (const jwk of publicJwks) {
    const keyAlg = algorithmOf(jwk);
    if (!keyAlg) invalid("API_TOKEN_PREVIOUS_KEYS", "contains a key that is neither EC P-256 nor Ed25519");
    if (!jwk.kid) invalid("API_TOKEN_PREVIOUS_KEYS", 'contains a key without a "kid"');
    if (verification.has(jwk.kid)) continue;
    const publicJwk = { ...publicPart(jwk), kid: jwk.kid, alg: keyAlg, use: "sig" };
    verification.set(jwk.kid, { alg: keyAlg, key: (await importJWK(publicJwk, keyAlg)) as CryptoKey });
    jwks.push(publicJwk);
  }
  return { signing, verification, jwks: { keys: jwks } };
}

let cache: { source: string; keys: Promise<ApiTokenKeys> } | undefined;

/** The API token keys, imported once per process (never per request). */
export function getApiTokenKeys(env: { apiTokenSigningKey: string; apiTokenPreviousKeys: string | undefined }): Promise<ApiTokenKeys> {
  const source = `${env.apiTokenSigningKey}\u0000${env.apiTokenPreviousKeys ?? ""}`;
  if (cache?.source !== source) cache = { source, keys: loadKeys(env.apiTokenSigningKey, env.apiTokenPreviousKeys) };
  return cache.keys;
}
