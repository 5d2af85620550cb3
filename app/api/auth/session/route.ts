import { apiRoute, serviceUnavailableResponse } from "@/lib/http/api-route";
import { getCurrentSession } from "@/lib/access/current-session";
import { apiError } from "@/lib/errors/api-errors";
import { noStoreJson } from "@/lib/http/no-store";

/**
 * Replaces Auth.js's GET /api/auth/session, which re-encrypts the cookie with a fresh expiry
 * on every call (so a stolen cookie polled here would never expire) and checks no revocation.
 * This answers from the same verification as everything else and never sets a cookie.
 */
export const GET = apiRoute(async () => {
  const session = await getCurrentSession();
  if (session.status === "unavailable") return serviceUnavailableResponse();
  if (session.status !== "signed-in") return noStoreJson(null);
  const { id, name, email, role } = session.user;
  return noStoreJson({ user: { id, name, email, role }, expires: new Date(session.expiresAt * 1000).toISOString() });
});

/** Auth.js's session update (POST) is not offered: the session's claims come from the server. */
export function POST() {
  return apiError("method_not_allowed", { message: "Use GET.", headers: { Allow: "GET" } });
}
