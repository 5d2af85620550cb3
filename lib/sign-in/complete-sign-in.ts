import "server-only";
import type { AuthConfig } from "@auth/core";
import type { NextRequest, NextResponse } from "next/server";
import { auditRequestOf, type AuditRequest } from "../audit/audit-request";
import type { Db } from "../db";
import type { Env } from "../config/env";
import { requestIdOf } from "../http/request-id";
import { afterResponse } from "../http/after-response";
import { metrics } from "../observability/metrics";
import { AUTH_BASE_PATH, OIDC_PROVIDER_ID } from "./auth-config";
import { sessionCookieName } from "../credentials/session-cookie";
import { classifySignInError } from "./classify-sign-in-error";
import { refuseSignIn } from "./refuse-sign-in";
import { relayAuthRedirect, runAuthAction, type AuthActionOutcome } from "./run-auth-action";
import { recordSignInRefused, recordSignInSucceeded, type SignInAttempt, type SignInState } from "./sign-in-audit";
import type { SignInFailure } from "../errors/sign-in-failures";
import { hasPendingSignIn } from "./sign-in-cookies";
import { signInConnectionCookieName } from "./sign-in-connection-cookie";
import { recordConnectionOutcome } from "../organisations/connection-health";
import { ENVIRONMENT_CONNECTION_ID } from "../organisations/operator-organisation";

/** `auditRequest` carries the same request id as the log lines, so an event and its log line match. */
/** `secret`: AUTH_SECRET, to tell a real pending sign-in's cookies from made-up ones. */
export type SignInContext = { appUrl: string; secureCookies: boolean; requestId: string; auditRequest: AuditRequest; secret: string };

export function signInContextOf(request: NextRequest, env: Env): SignInContext {
  const requestId = requestIdOf(request.headers, env.trustedProxyCount > 0);
  return { appUrl: env.authUrl, secureCookies: env.secureCookies, requestId, auditRequest: auditRequestOf(request, env, requestId), secret: env.authSecret };
}

/**
 * Refuses a callback (refuse-sign-in.ts) and puts the refusal on the audit trail, about the
 * user it concerns when the callbacks got that far. Refusals before the callback (the sign-in
 * start, rate limits) are logged only: no identity was asserted yet.
 */
export async function refuseCallback(
  db: Db,
  request: NextRequest,
  failure: SignInFailure,
  context: SignInContext,
  attempt: SignInAttempt = {},
): Promise<NextResponse> {
  const pending = await hasPendingSignIn(request.cookies, context.secret, context.secureCookies);
  const response = refuseSignIn(failure, { ...context, cookies: request.cookies, stage: "callback" });
  await recordSignInRefused(db, failure, attempt, context.auditRequest, pending);
  return response;
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
  db: Db,
  request: NextRequest,
  body: string | undefined,
  config: (state: SignInState) => AuthConfig,
  context: SignInContext,
  connectionId: string = ENVIRONMENT_CONNECTION_ID,
): Promise<NextResponse> {
  const state: SignInState = { request: context.auditRequest, attempt: {} };
  let outcome: AuthActionOutcome;
  try {
    outcome = await exchangeCode(request, body, config(state), context);
  } catch (error) {
    outcome = { ok: false, error };
  }
  const sessionCookie = sessionCookieName(context.secureCookies);
  const issuesSession = outcome.ok && outcome.result.cookies?.some((cookie) => (cookie.name === sessionCookie || cookie.name.startsWith(`${sessionCookie}.`)) && cookie.value);
  if (!outcome.ok || !issuesSession || !outcome.result.redirect) {
    const failure = outcome.ok ? { code: "server_error" as const, reason: "no_session" } : classifySignInError(outcome.error, callbackParams(request, body));
    await recordConnectionOutcome(db, connectionId, failure.code);
    return refuseCallback(db, request, failure, context, state.attempt);
  }
  metrics.signIns.inc({ outcome: "succeeded", code: "", reason: "" });
  // Written once the answer is sent: the person does not wait for the audit trail, which
  // never holds a sign-in up anyway (a lost event is logged loudly: sign-in-audit.ts).
  afterResponse(async () => {
    await recordSignInSucceeded(db, state.attempt, context.auditRequest);
    await recordConnectionOutcome(db, connectionId, null);
  });
  const response = relayAuthRedirect(outcome.result, outcome.result.redirect);
  response.cookies.set(signInConnectionCookieName(context.secureCookies), "", { maxAge: 0, path: "/", httpOnly: true, sameSite: "lax", secure: context.secureCookies });
  return response;
}

/** The parameters of the IdP's answer: a form_post's body (POST), else the query. */
export function callbackParams(request: NextRequest, body: string | undefined): URLSearchParams {
  return body !== undefined && request.method === "POST" ? new URLSearchParams(body) : request.nextUrl.searchParams;
}

/** Runs Auth.js's callback on the IdP's answer, without the browser's session cookie. */
export function exchangeCode(request: NextRequest, body: string | undefined, config: AuthConfig, context: SignInContext): Promise<AuthActionOutcome> {
  // Without the browser's earlier session, if any: Auth.js would link the account that just
  // signed in to that session's user. The new session replaces it.
  const headers = new Headers(request.headers);
  const session = sessionCookieName(context.secureCookies);
  const others = (request.headers.get("cookie") ?? "").split(";").filter((pair) => {
    const name = pair.split("=", 1)[0]!.trim();
    return name && name !== session && !name.startsWith(`${session}.`);
  });
  if (others.length > 0) headers.set("cookie", others.map((pair) => pair.trim()).join("; "));
  else headers.delete("cookie");
  const callbackRequest = new Request(`${context.appUrl}${AUTH_BASE_PATH}/callback/${OIDC_PROVIDER_ID}${request.nextUrl.search}`, {
    method: request.method,
    headers,
    body,
  });
  return runAuthAction(callbackRequest, config);
}
