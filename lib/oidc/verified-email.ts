/**
 * The email an ID token vouches for: only with `email_verified` the boolean `true` (OpenID
 * Connect Core §5.1). A missing claim or the string "false" is not a verification, and an
 * unverified email is not an identity we pass on (nor match users by, nor send upstreams).
 */
export function verifiedEmail(claims: { email?: unknown; email_verified?: unknown } | undefined): string | null {
  return typeof claims?.email === "string" && claims.email_verified === true ? claims.email.toLowerCase() : null;
}
