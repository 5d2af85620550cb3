import "server-only";
import type { AuthConfig } from "@auth/core";
import type { NextRequest, NextResponse } from "next/server";
import type { Env } from "../../env";
import { requestIdOf } from "../../http/request-id";
import { metrics } from "../../observability/metrics";
import { AUTH_BASE_PATH, OIDC_PROVIDER_ID } from "./auth-config";
import { sessionCookieName } from "../edge/session-cookie";
import { classifySignInError } from "./classify-sign-in-error";
import { refuseSignIn } from "./refuse-sign-in";
import { relayAuthRedirect, runAuthAction, type AuthActionOutcome } from "./run-auth-action";

export type SignInContext = { appUrl: string; secureCookies: boolean; requestId: string };

export function signInContextOf(request: NextRequest, env: Env): SignInContext {
  return { appUrl: env.authUrl, secureCookies: env.secureCookies, requestId: requestIdOf(request.headers, env.trustedProxyCount > 0) };
}

/**
 * GET|POST /api/auth/callback/oidc: the IdP's redirect back. Auth.js does the protocol (state,
 * PKCE, the code exchange, the nonce and claim checks) with our verified-ID-token hook and
 * database callbacks; this relays its cookies on success and, on any failure, refuses with a
 * reason (refuse-sign-in.ts) instead of Auth.js's one-size `?error=Configuration`.
 *
 * Success is judged by what matters: a session cookie was issued. Anything else (Auth.js's
 * silent redirects included) is a refusal, and a refusal never sets a session cookie.
 */
export async function completeSignIn(
  request: NextRequest,
  body: string | undefined,
  config: () => AuthConfig,
  context: SignInContext,
): Promise<NextResponse> {
  let outcome: AuthActionOutcome;
  try {
    outcome = await exchangeCode(request, body, config(), context);
  } catch (error) {
    outcome = { ok: false, error };
  }
  const sessionCookie = sessionCookieName(context.secureCookies);
  const issuesSession = outcome.ok && outcome.result.cookies?.some((cookie) => (cookie.name === sessionCookie || cookie.name.startsWith(`${sessionCookie}.`)) && cookie.value);
  if (!outcome.ok || !issuesSession || !outcome.result.redirect) {
    const params = body !== undefined && request.method === "POST" ? new URLSearchParams(body) : request.nextUrl.searchParams;
    const failure = outcome.ok ? { code: "server_error" as const, reason: "no_session" } : classifySignInError(outcome.error, params);
    return refuseSignIn(failure, { ...context, cookies: request.cookies, stage: "callback" });
  }
  metrics.signIns.inc({ outcome: "succeeded", code: "", reason: "" });
  return relayAuthRedirect(outcome.result, outcome.result.redirect);
}

function exchangeCode(request: NextRequest, body: string | undefined, config: AuthConfig, context: SignInContext): Promise<AuthActionOutcome> {
  const callbackRequest = new Request(`${context.appUrl}${AUTH_BASE_PATH}/callback/${OIDC_PROVIDER_ID}${request.nextUrl.search}`, {
    method: request.method,
    headers: request.headers,
    body,
  });
  return runAuthAction(callbackRequest, config);
}
