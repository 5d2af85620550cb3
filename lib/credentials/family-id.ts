/**
 * The token family of a session cookie or access token (sessions/token-families.ts): called
 * `familyId`, never `sid`, which in OpenID Connect is the IdP's session id. Cookies and
 * access tokens issued before the rename (2026-11-27) carry it as `sid`; they are read until
 * they have all expired (access tokens within ACCESS_TOKEN_TTL_MINUTES, cookies within
 * SESSION_ABSOLUTE_LIFETIME_HOURS), after which the fallback can go.
 */
export function familyIdClaim(payload: Record<string, unknown>): string | undefined {
  if (typeof payload.familyId === "string") return payload.familyId;
  return typeof payload.sid === "string" ? payload.sid : undefined;
}
