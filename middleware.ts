import { NextResponse, type NextRequest } from "next/server";
import { authenticateRequest } from "./lib/credentials/authenticate-request";
import { authenticationOptions } from "./lib/credentials/authentication-options";
import { apiError } from "./lib/errors/api-errors";
import { isPublicRequest } from "./lib/access/route-policies";
import { RENEWED_SESSION_CACHE_CONTROL, renewedSessionCookie, sessionNeedsRenewal, slidingSessionOptions } from "./lib/credentials/sliding-session";
import { getEnv, type Env } from "./lib/config/env";
import { NONCE_REQUEST_HEADER, createNonce, pageContentSecurityPolicy } from "./lib/http/security-headers.mjs";

/**
 * A page request goes on with a fresh nonce in its Content-Security-Policy request header:
 * Next.js reads it there and puts it on the scripts it renders. The browser gets the same
 * policy. (API responses get their constant policy from next.config.mjs.)
 */
function nextWithPagePolicy(request: NextRequest, env: Env): NextResponse {
  const nonce = createNonce();
  const policy = pageContentSecurityPolicy(nonce, { https: env.secureCookies, development: env.nodeEnv === "development" });
  const headers = new Headers(request.headers);
  headers.set("Content-Security-Policy", policy);
  headers.set(NONCE_REQUEST_HEADER, nonce);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set("Content-Security-Policy", policy);
  return response;
}

/**
 * The Edge gate: decides "who is it?" from the cookie or the Bearer header with no database
 * or network call. Refuses unauthenticated /api/* calls (route handlers check again,
 * including revocation); on pages it only slides the session and sets the nonce-based
 * Content-Security-Policy. It sets a cookie only when it renews a session, at most once per
 * SESSION_RENEWAL_INTERVAL_SECONDS, and never on a public /api route.
 */
export async function middleware(request: NextRequest) {
  const { pathname } = request.nextUrl;
  const env = getEnv();
  const isApi = pathname === "/api" || pathname.startsWith("/api/");
  if (isApi && isPublicRequest(pathname, request.method)) return NextResponse.next();

  const result = await authenticateRequest(request, await authenticationOptions(env));
  if (isApi && !result.ok) return apiError(result.code);

  const response = isApi ? NextResponse.next() : nextWithPagePolicy(request, env);
  if (result.ok && result.sessionClaims && sessionNeedsRenewal(result.sessionClaims, slidingSessionOptions(env))) {
    response.cookies.set(await renewedSessionCookie(result.sessionClaims, slidingSessionOptions(env)));
    // Next keeps a Cache-Control a handler or the middleware already set.
    response.headers.set("Cache-Control", RENEWED_SESSION_CACHE_CONTROL);
  }
  return response;
}

export const config = {
  // Every /api route, and pages too (to slide sessions and give each page its nonce), but not
  // static assets, and not /.well-known/ (the JWKS is public and cacheable: a renewed session
  // cookie must never ride on it, so the middleware does not see it at all). Nor the sign-in
  // callback: it is public, so the middleware would do nothing there, and running it cost each
  // sign-in about 5 ms (npm run bench -- --only sign-in: 22.6 ms without, 29.4 ms with).
  // Nor forward auth (/api/auth/verify): its decision (lib/access/forward-auth-decision.ts) is
  // the guard's full check and renews a due cookie itself, the same answer the forward-auth
  // listener gives outside Next. Nor SCIM (/scim/v2): a directory's token is no session, and
  // its routes check it themselves (lib/scim/scim-route.ts). The runtime headers come from the request observer for every
  // response alike.
  matcher: ["/api/((?!auth/callback/oidc|auth/verify$).*)", "/((?!_next/|api/|scim/|\\.well-known/|favicon.ico$).*)"],
};
