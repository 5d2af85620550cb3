import type { AuthConfig } from "@auth/core";
import type { NextRequest, NextResponse } from "next/server";
import { safeCallbackPath } from "../http/callback-url";
import { AUTH_BASE_PATH, OIDC_PROVIDER_ID } from "./auth-config";
import { clearSessionCookies } from "../credentials/session-cookie";
import { classifySignInError } from "./classify-sign-in-error";
import type { SignInContext } from "./complete-sign-in";
import { refuseSignIn } from "./refuse-sign-in";
import { relayAuthRedirect, runAuthAction } from "./run-auth-action";
import { signInConnectionCookie, type SignInPurpose } from "./sign-in-connection-cookie";

/** Where the sign-in goes: the connection's id, and the email the person typed (sent as `login_hint`). */
export type SignInTarget = { connectionId: string; loginHint?: string; purpose?: SignInPurpose };

/**
 * GET /api/auth/login?callbackUrl=/path: starts the authorization code flow at the IdP of
 * `target`'s connection (`config` is built for it). Auth.js builds the authorization URL
 * (discovery, from the cache; PKCE S256, state, nonce) and the cookies that carry the checks;
 * this relays them as a 302 with the cookie that binds the connection to this sign-in's state.
 * A GET is safe here: from another site it changes nothing but the caller's own pending-sign-in
 * cookies.
 */
export async function startSignIn(request: NextRequest, config: AuthConfig, context: Omit<SignInContext, "auditRequest">, target: SignInTarget): Promise<NextResponse> {
  const callbackUrl = safeCallbackPath(request.nextUrl.searchParams.get("callbackUrl"), context.appUrl);
  const hint = target.loginHint ? `?${new URLSearchParams({ login_hint: target.loginHint })}` : "";
  const signInRequest = new Request(`${context.appUrl}${AUTH_BASE_PATH}/signin/${OIDC_PROVIDER_ID}${hint}`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ callbackUrl }),
  });
  const outcome = await runAuthAction(signInRequest, config, { skipCsrfCheck: true });
  if (!outcome.ok || !outcome.result.redirect) {
    const failure = outcome.ok ? { code: "server_error" as const, reason: "no_redirect" } : classifySignInError(outcome.error);
    return refuseSignIn(failure, { ...context, cookies: request.cookies, stage: "login" });
  }
  const state = new URL(outcome.result.redirect).searchParams.get("state");
  if (!state) return refuseSignIn({ code: "server_error", reason: "no_state" }, { ...context, cookies: request.cookies, stage: "login" });
  const response = relayAuthRedirect(outcome.result, outcome.result.redirect);
  const binding = signInConnectionCookie(target.connectionId, state, context.secret, context.secureCookies, target.purpose);
  response.cookies.set(binding.name, binding.value, binding.options);
  // A test sign-in makes no session, so it leaves the browser's own alone.
  if (target.purpose === "setup_test") return response;
  // Starting a sign-in from this app (or a typed address) signs the earlier session out of
  // this browser. A link from another site does not: it must not be a way to sign people out
  // (logout CSRF); that session is replaced only when the new sign-in succeeds, and the
  // callback never lets Auth.js link the new account to it (complete-sign-in.ts).
  if (startedHere(request)) clearSessionCookies(request, response, context.secureCookies);
  return response;
}

/** A same-origin or typed navigation (Fetch Metadata); a client that sends none is no browser on another site. */
function startedHere(request: NextRequest): boolean {
  const site = request.headers.get("sec-fetch-site");
  return site === null || site === "same-origin" || site === "none";
}
