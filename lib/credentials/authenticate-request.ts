import { verifyAccessToken, type AccessTokenSettings } from "./access-token";
import type { ApiTokenKeys } from "./api-token-keys";
import { readSessionCookie, sessionCookieName, verifySessionCookie, type CookieReader, type SessionVerification } from "./session-cookie";
import type { ExpiringCache } from "../expiring-cache";

type Verified = Extract<SessionVerification, { ok: true }>;

// RFC 6750 §2.1: "Bearer" 1*SP b64token.
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i;

export type AuthenticationOptions = {
  secret: string;
  secureCookies: boolean;
  /** SESSION_ABSOLUTE_LIFETIME_HOURS, in seconds: no cookie session outlives it. */
  sessionAbsoluteLifetimeSeconds: number;
  apiTokens: AccessTokenSettings & { keys: ApiTokenKeys };
  /** Fully verified tokens, by kind and token string (see verifyOnce). Optional. */
  cache?: ExpiringCache<Verified>;
};

async function verifyBearer(token: string, options: AuthenticationOptions): Promise<SessionVerification> {
  const result = await verifyAccessToken(token, options.apiTokens.keys, options.apiTokens);
  if (!result.ok) return result;
  const { userId, role, familyId, email, expiresAt } = result.claims;
  return { ok: true, identity: { userId, role, familyId, via: "bearer", email, name: null, expiresAt } };
}

/**
 * Looks the token up in the cache, or verifies it in full and remembers a success, so a
 * client repeating the same cookie or Bearer token skips the cryptography. Safe by
 * construction:
 * - only successes are stored: a flood of garbage or forged tokens stores nothing;
 * - the key is the whole token string: any other string, a one-bit change included, misses
 *   and is verified in full (signature, `alg`, claims);
 * - the key includes how the token came (cookie or Bearer), so a cookie's verdict never
 *   answers for the same string sent as a Bearer token, or the reverse;
 * - an entry never outlives the token's own `exp`, and the cache is bounded.
 * Revocation is not decided here: route handlers check the token family (token-families.ts).
 */
async function verifyOnce(
  kind: "cookie" | "bearer",
  token: string,
  options: AuthenticationOptions,
  verify: () => Promise<SessionVerification>,
): Promise<SessionVerification> {
  const key = `${kind}:${token}`;
  const cached = options.cache?.get(key);
  if (cached) return cached;
  const result = await verify();
  if (result.ok) options.cache?.set(key, result, result.identity.expiresAt * 1000);
  return result;
}

/**
 * Every token this app issues or accepts is compact JOSE whose header is JSON written without
 * leading whitespace (jose writes `{"alg":…`), so it starts with "eyJ". The signature (or the
 * AEAD tag of a cookie) covers the header exactly as encoded: a string starting otherwise can
 * never verify, and is refused as malformed without the cryptography library's parse, throw
 * and stack (most of a garbage token's cost).
 */
const JOSE_HEADER_START = "eyJ";

/**
 * Who is calling? The one decision shared by the Edge middleware and the route-handler
 * guard: an Authorization header wins over the cookie; no credentials at all is
 * `missing_token`. Never throws.
 */
export async function authenticateRequest(
  request: { headers: Pick<Headers, "get">; cookies: CookieReader },
  options: AuthenticationOptions,
): Promise<SessionVerification> {
  const authorization = request.headers.get("authorization");
  if (authorization !== null) {
    const match = BEARER.exec(authorization.trim());
    if (!match) return { ok: false, code: "invalid_authorization_header" };
    const token = match[1]!;
    if (!token.startsWith(JOSE_HEADER_START)) return { ok: false, code: "invalid_token" };
    return verifyOnce("bearer", token, options, () => verifyBearer(token, options));
  }
  const cookieName = sessionCookieName(options.secureCookies);
  const token = readSessionCookie(request.cookies, cookieName);
  if (!token) return { ok: false, code: "missing_token" };
  if (!token.startsWith(JOSE_HEADER_START)) return { ok: false, code: "invalid_token" };
  return verifyOnce("cookie", token, options, () =>
    verifySessionCookie(token, { secret: options.secret, cookieName, absoluteLifetimeSeconds: options.sessionAbsoluteLifetimeSeconds }),
  );
}
