import { apiRoute, serviceUnavailableResponse } from "@/lib/http/api-route";
import { getCurrentSession } from "@/lib/access/current-session";

/**
 * Replaces Auth.js's GET /api/auth/session, which re-encrypts the cookie with a fresh expiry
 * on every call (so a stolen cookie polled here would never expire) and checks no revocation.
 * This answers from the same verification as everything else and never sets a cookie.
 */
export const GET = apiRoute(async () => {
  const session = await getCurrentSession();
  if (session.status === "unavailable") return serviceUnavailableResponse();
  if (session.status !== "signed-in") return Response.json(null, { headers: { "Cache-Control": "no-store" } });
  const { id, name, email, role } = session.user;
  return Response.json({ user: { id, name, email, role }, expires: new Date(session.expiresAt * 1000).toISOString() }, { headers: { "Cache-Control": "no-store" } });
});

/** Auth.js's session update (POST) is not offered: the session's claims come from the server. */
export function POST() {
  return Response.json({ error: "method_not_allowed", message: "Use GET." }, { status: 405, headers: { Allow: "GET", "Cache-Control": "no-store" } });
}
