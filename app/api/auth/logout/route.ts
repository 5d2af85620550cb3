import { NextResponse, type NextRequest } from "next/server";
import { apiRoute } from "@/lib/api-route";
import { authenticateRequest } from "@/lib/auth/edge/authenticate-request";
import { authenticationOptions } from "@/lib/auth/edge/authentication-options";
import { forbiddenResponse, unauthorizedResponse } from "@/lib/auth/edge/errors";
import { checkFamily } from "@/lib/auth/sessions/family-check";
import { buildIdpLogoutUrl, idTokenOfFamily } from "@/lib/auth/sessions/logout";
import { isSameOriginRequest } from "@/lib/auth/policy/same-origin";
import { clearSessionCookies } from "@/lib/auth/edge/session-cookie";
import { revokeFamilies } from "@/lib/auth/sessions/revocation";
import { getDb } from "@/lib/db";
import { getEnv } from "@/lib/env";

/**
 * Ends the caller's sign-in (or, with {"everywhere": true}, every sign-in of the user), and
 * every API token created from it. An already revoked session may still log out, but only
 * itself: that clears its cookie and signs the browser out of the IdP, and revokes nothing.
 */
export const POST = apiRoute(async (request: NextRequest) => {
  const env = getEnv();
  const result = await authenticateRequest(request, await authenticationOptions(env));
  if (!result.ok) return unauthorizedResponse(result.code);
  const { identity } = result;
  if (identity.via === "cookie" && !isSameOriginRequest(request, env.authUrl)) return forbiddenResponse("Cross-origin request refused.");

  const db = getDb();
  const stillActive = (await checkFamily(db, env, identity.familyId)).active;
  if (stillActive) {
    const body: unknown = await request.json().catch(() => ({}));
    const everywhere = typeof body === "object" && body !== null && (body as { everywhere?: unknown }).everywhere === true;
    await revokeFamilies(db, everywhere ? { userId: identity.userId } : { ids: [identity.familyId] }, everywhere ? "logout_everywhere" : "logout");
  }
  const logoutUrl = identity.via === "cookie" ? await buildIdpLogoutUrl(env, await idTokenOfFamily(db, identity.familyId)) : null;
  const response = NextResponse.json({ logoutUrl }, { headers: { "Cache-Control": "no-store" } });
  clearSessionCookies(request, response, env.secureCookies);
  return response;
});
