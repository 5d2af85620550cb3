import { NextResponse, type NextRequest } from "next/server";
import { authenticateRequest } from "./lib/auth/authenticate-request";
import { authenticationOptions } from "./lib/auth/authentication-options";
import { unauthorizedResponse } from "./lib/auth/errors";
import { isPublicApiPath } from "./lib/auth/public-api-paths";
import { sessionCookieName } from "./lib/auth/session-cookie";
import { renewSessionCookie, sessionNeedsRenewal } from "./lib/auth/sliding-session";
import { getEnv } from "./lib/env";

/**
 * The Edge gate: decides "who is it?" from the cookie or the Bearer header with no database
 * or network call. Refuses unauthenticated /api/* calls (route handlers check again,
 * including revocation); on pages it only slides the session. It sets a cookie only when it
 * renews a session, at most once per SESSION_RENEWAL_INTERVAL_SECONDS.
 */
export async function middleware(request: NextRequest) {
  const { pathname } = request.nextUrl;
  const isApi = pathname === "/api" || pathname.startsWith("/api/");
  if (isApi && isPublicApiPath(pathname)) return NextResponse.next();

  const env = getEnv();
  const result = await authenticateRequest(request, await authenticationOptions(env));
  if (!result.ok) return isApi ? unauthorizedResponse(result.code) : NextResponse.next();

  const response = NextResponse.next();
  const lifetimes = { maxAgeSeconds: env.jwtExpirationMinutes * 60, absoluteLifetimeSeconds: env.sessionAbsoluteLifetimeHours * 3600 };
  if (result.sessionClaims && sessionNeedsRenewal(result.sessionClaims, lifetimes)) {
    await renewSessionCookie(response, result.sessionClaims, {
      ...lifetimes,
      secret: env.authSecret,
      cookieName: sessionCookieName(env.secureCookies),
      secure: env.secureCookies,
    });
  }
  return response;
}

export const config = {
  // Pages too (to slide sessions), but not static assets or Auth.js's own endpoints' assets.
  matcher: ["/api/:path*", "/((?!_next/|favicon.ico|.*\\.(?:png|jpg|svg|ico|css|js)$).*)"],
};
