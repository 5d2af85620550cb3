import { Auth, raw, skipCSRFCheck, type AuthConfig } from "@auth/core";
import { NextResponse, type NextRequest } from "next/server";
import { safeCallbackPath } from "./callback-url";
import { AUTH_BASE_PATH, OIDC_PROVIDER_ID } from "./config";

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
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: request.headers.get("cookie") ?? "" },
    body: new URLSearchParams({ callbackUrl }),
  });
  const result = await Auth(signInRequest, { ...config, raw, skipCSRFCheck }).catch((error: unknown) => {
    // Discovery or the IdP itself failed: say so in words, never a 500 page.
    console.error("[auth] could not start sign-in:", error instanceof Error ? error.message : error);
    return null;
  });
  if (!result) return NextResponse.redirect(`${appUrl}/signin/error?error=IdpUnreachable`, 302);
  if (!result.redirect) {
    return NextResponse.redirect(`${appUrl}/signin/error?error=Configuration`, 302);
  }
  const response = NextResponse.redirect(result.redirect, 302);
  for (const cookie of result.cookies ?? []) response.cookies.set(cookie.name, cookie.value, cookie.options);
  response.headers.set("Cache-Control", "no-store");
  return response;
}
