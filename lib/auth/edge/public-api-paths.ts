/**
 * The /api routes anyone may call: health, and the Auth.js endpoints the sign-in flow
 * itself needs before a session exists. Everything else under /api needs a session.
 */
const PUBLIC_EXACT = new Set([
  "/api/health",
  "/api/health/live",
  "/api/auth/login",
  "/api/auth/signin",
  "/api/auth/signout",
  "/api/auth/session",
  "/api/auth/csrf",
  "/api/auth/providers",
  "/api/auth/error",
  // The refresh token and the IdP's signed logout token are the credentials here.
  "/api/auth/refresh",
  "/api/auth/backchannel-logout",
]);

const PUBLIC_PREFIXES = ["/api/auth/signin/", "/api/auth/callback/"];

export function isPublicApiPath(pathname: string): boolean {
  const path = pathname.length > 1 ? pathname.replace(/\/+$/, "") : pathname;
  return PUBLIC_EXACT.has(path) || PUBLIC_PREFIXES.some((prefix) => path.startsWith(prefix));
}
