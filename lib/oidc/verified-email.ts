/**
 * The email an ID token vouches for: only with `email_verified` the boolean `true` (OpenID
 * Connect Core §5.1), or Microsoft Entra ID's `xms_edov` the boolean `true` (its optional claim
 * "email domain owner verified": Entra ID never sends `email_verified`). A missing claim or the
 * string "false" is not a verification, and an unverified email is not an identity we pass on
 * (nor match users by, nor send upstreams). Either claim is the IdP's word, as trusted as the rest.
 */
export function verifiedEmail(claims: { email?: unknown; email_verified?: unknown; xms_edov?: unknown } | undefined): string | null {
  if (typeof claims?.email !== "string") return null;
  return claims.email_verified === true || claims.xms_edov === true ? claims.email.toLowerCase() : null;
}
