import { createRemoteJWKSet, type JWTVerifyGetKey } from "jose";

export type IdpMetadata = { issuer: string; jwks_uri?: string; end_session_endpoint?: string };

const METADATA_TTL_MS = 10 * 60 * 1000;
const FETCH_TIMEOUT_MS = 3000;
const metadataCache = new Map<string, { metadata: IdpMetadata; fetchedAt: number }>();
const jwksCache = new Map<string, JWTVerifyGetKey>();

/** Issuer identifiers compared as URLs, as Auth.js does ("https://idp" equals "https://idp/"). */
export function sameIssuer(a: string, b: string): boolean {
  try {
    return new URL(a).href === new URL(b).href;
  } catch {
    return false;
  }
}

/** The IdP's discovery document, cached for a few minutes (only successes are cached). */
export async function getIdpMetadata(issuer: string): Promise<IdpMetadata> {
  const cached = metadataCache.get(issuer);
  if (cached && Date.now() - cached.fetchedAt < METADATA_TTL_MS) return cached.metadata;
  const response = await fetch(`${issuer.replace(/\/$/, "")}/.well-known/openid-configuration`, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
  if (!response.ok) throw new Error(`discovery answered ${response.status}`);
  const metadata = (await response.json()) as IdpMetadata;
  if (typeof metadata.issuer !== "string" || !sameIssuer(metadata.issuer, issuer)) throw new Error("discovery names another issuer");
  metadataCache.set(issuer, { metadata, fetchedAt: Date.now() });
  return metadata;
}

/** The IdP's signing keys, fetched on demand and cached by jose (refetched on an unknown kid). */
export async function getIdpJwks(issuer: string): Promise<JWTVerifyGetKey> {
  let jwks = jwksCache.get(issuer);
  if (!jwks) {
    const { jwks_uri } = await getIdpMetadata(issuer);
    if (!jwks_uri) throw new Error("the identity provider advertises no jwks_uri");
    jwks = createRemoteJWKSet(new URL(jwks_uri), { timeoutDuration: FETCH_TIMEOUT_MS });
    jwksCache.set(issuer, jwks);
  }
  return jwks;
}
