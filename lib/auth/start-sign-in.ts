import { Auth, raw, skipCSRFCheck, type AuthConfig } from "@auth/core";
import { NextResponse, type NextRequest } from "next/server";
import { safeCallbackPath } from "./callback-url";
import { AUTH_BASE_PATH, OIDC_PROVIDER_ID } from "./config";
import { clearSessionCookies } from "./session-cookie";

/**
 * GET /api/auth/login?callbackUrl=/path: starts the authorization code flow at the IdP.
 * Auth.js builds the authorization URL (discovery, PKCE S256, state, nonce) and the
 * cookies that carry the checks; this only relays them as a 302. A GET is safe here: it
 * changes nothing but the caller's own pending-sign-in cookies.
 */
export async function startSignIn(request: NextRequest, config: AuthConfig, appUrl: string): Promise<NextResponse> {
  const callbackUrl = safeCallbackPath(request.nextUrl.searchParams.get("callbackUrl"), appUrl);
  const signInRequest = new Request(`${appUrl}${AUTH_BASE_PATH}/signin/${OIDC_PROVIDER_ID}`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ callbackUrl }),
  });
  // Auth.js logs the cause itself. A failure comes back as a thrown AuthError or, for a
  // failed discovery request, as a ready-made redirect Response instead of the raw result.
  const result = await Auth(signInRequest, { ...config, raw, skipCSRFCheck }).catch(() => null);
  if (!result || result instanceof Response || !result.redirect) {
    return NextResponse.redirect(`${appUrl}/signin/error?error=IdpUnreachable`, 302);
  }
  const response = NextResponse.redirect(result.redirect, 302);
  for (const cookie of result.cookies ?? []) response.cookies.set(cookie.name, cookie.value, cookie.options);
  // A new sign-in replaces any earlier session in this browser, revoked or not: Auth.js
  // would otherwise try to link the new account to that session's user at the callback.
  clearSessionCookies(request, response, new URL(appUrl).protocol === "https:");
  response.headers.set("Cache-Control", "no-store");
  return response;
}
