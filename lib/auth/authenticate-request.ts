import type { NextRequest } from "next/server";
import { readSessionCookie, sessionCookieName, verifySessionCookie, type SessionVerification } from "./session-cookie";

// RFC 6750 §2.1: "Bearer" 1*SP b64token.
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i;

export type AuthenticationOptions = { secret: string; secureCookies: boolean };

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
    if (!BEARER.test(authorization.trim())) return { ok: false, code: "invalid_authorization_header" };
    // No bearer token is issued yet (API tokens come with the token endpoint), so none is valid.
    return { ok: false, code: "invalid_token" };
  }
  const cookieName = sessionCookieName(options.secureCookies);
  const token = readSessionCookie(request.cookies, cookieName);
  if (!token) return { ok: false, code: "missing_token" };
  return verifySessionCookie(token, { secret: options.secret, cookieName });
}
