import type { NextRequest } from "next/server";
import { verifyAccessToken, type AccessTokenSettings } from "./access-token";
import type { ApiTokenKeys } from "./api-token-keys";
import { readSessionCookie, sessionCookieName, verifySessionCookie, type SessionVerification } from "./session-cookie";

// RFC 6750 §2.1: "Bearer" 1*SP b64token.
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i;

export type AuthenticationOptions = {
  secret: string;
  secureCookies: boolean;
  apiTokens: AccessTokenSettings & { keys: ApiTokenKeys };
};

/**
 * Who is calling? The one decision shared by the Edge middleware and the route-handler
 * guard: an Authorization header wins over the cookie; no credentials at all is
 * `missing_token`. Never throws.
 */
export async function authenticateRequest(
  request: Pick<NextRequest, "headers" | "cookies">,
  options: AuthenticationOptions,
): Promise<SessionVerification> {
  const authorization = request.headers.get("authorization");
  if (authorization !== null) {
    const match = BEARER.exec(authorization.trim());
    if (!match) return { ok: false, code: "invalid_authorization_header" };
    const result = await verifyAccessToken(match[1]!, options.apiTokens.keys, options.apiTokens);
    if (!result.ok) return result;
    const { userId, role, sid, expiresAt } = result.claims;
    return { ok: true, identity: { userId, role, sid, via: "bearer", email: null, name: null, expiresAt } };
  }
  const cookieName = sessionCookieName(options.secureCookies);
  const token = readSessionCookie(request.cookies, cookieName);
  if (!token) return { ok: false, code: "missing_token" };
  return verifySessionCookie(token, { secret: options.secret, cookieName });
}
