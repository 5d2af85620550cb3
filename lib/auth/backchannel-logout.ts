import { jwtVerify, type JWTVerifyGetKey } from "jose";

const BACKCHANNEL_LOGOUT_EVENT = "http://schemas.openid.net/event/backchannel-logout";

export type LogoutTokenVerification = { ok: true; sub?: string; sid?: string } | { ok: false; reason: string };

/**
 * OpenID Connect Back-Channel Logout 1.0 §2.6: a signed JWT from our issuer, for our client,
 * with iat, jti, the back-channel logout event, a sub and/or sid, and no nonce.
 */
export async function verifyLogoutToken(
  token: string,
  options: { issuer: string; clientId: string; keys: JWTVerifyGetKey },
): Promise<LogoutTokenVerification> {
  let payload;
  try {
    ({ payload } = await jwtVerify(token, options.keys, {
      issuer: options.issuer,
      audience: options.clientId,
      algorithms: ["RS256", "PS256", "ES256", "EdDSA"],
      requiredClaims: ["iat", "jti"],
      maxTokenAge: "5 minutes",
      clockTolerance: 5,
    }));
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : "the logout token could not be verified" };
  }
  const events = payload.events as Record<string, unknown> | undefined;
  const event = events?.[BACKCHANNEL_LOGOUT_EVENT];
  if (typeof event !== "object" || event === null) return { ok: false, reason: "the back-channel logout event is missing" };
  if ("nonce" in payload) return { ok: false, reason: "a logout token must not contain a nonce" };
  const sub = typeof payload.sub === "string" ? payload.sub : undefined;
  const sid = typeof payload.sid === "string" ? payload.sid : undefined;
  if (!sub && !sid) return { ok: false, reason: "the logout token names neither sub nor sid" };
  return { ok: true, sub, sid };
}
