import type { NextResponse } from "next/server";
import type { CookieReader } from "../credentials/session-cookie";
import { metrics } from "../observability/metrics";
import { ID_TOKEN_REASONS, type SignInFailure } from "../errors/sign-in-failures";
import { getLogger } from "../observability/logger";
import { signInCheckCookieNames } from "./sign-in-cookies";
import { signInConnectionCookieName } from "./sign-in-connection-cookie";
import { noStoreRedirect } from "../http/no-store";

// The IdP's error codes RFC 6749 and OpenID Connect define, and our own reasons: anything else
// an IdP sends is counted as "other", so a hostile IdP cannot blow up the metric's label set.
const KNOWN_REASONS = new Set([
  ...Object.keys(ID_TOKEN_REASONS),
  "timeout", "network", "bad_response", "bad_metadata", "bad_jwks", "state", "missing_check_cookie", "issuer", "missing_code", "malformed", "unsupported_response", "too_large", "no_session", "no_redirect", "no_state", "unknown", "disabled", "connection_secret", "ambiguous",
  "invalid_request", "invalid_client", "invalid_grant", "unauthorized_client", "unsupported_grant_type", "invalid_scope", "access_denied", "server_error", "temporarily_unavailable",
  "login_required", "consent_required", "interaction_required", "account_selection_required",
]);

function metricReason(reason: string | undefined): string {
  if (!reason) return "";
  return KNOWN_REASONS.has(reason) || /^http_\d{3}$/.test(reason) ? reason : "other";
}


/** IdP-provided text in our log: one line, bounded, no control characters. */
function loggable(value: string | undefined): string | undefined {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is removed
  return value === undefined ? undefined : value.replace(/[\u0000-\u001f\u007f]+/g, " ").slice(0, 300);
}

/**
 * Ends a failed sign-in: one log line for the operator (the code, the reason, what the IdP
 * said, the request id — never a token, a code or claims), the pending sign-in's cookies
 * cleared, and the person sent to /signin/error with the code and the reference to quote.
 * Always a redirect: no sign-in failure answers 5xx to a browser.
 */
export function refuseSignIn(
  failure: SignInFailure,
  context: { appUrl: string; requestId: string; secureCookies: boolean; cookies: Pick<CookieReader, "get">; stage: "login" | "callback" },
): NextResponse {
  metrics.signIns.inc({ outcome: "refused", code: failure.code, reason: metricReason(failure.reason) });
  getLogger().warn({
    event: "sign_in_refused",
    stage: context.stage,
    code: failure.code,
    reason: failure.reason,
    idpError: loggable(failure.idpError),
    idpErrorDescription: loggable(failure.idpErrorDescription),
    requestId: context.requestId,
  });
  const query = new URLSearchParams({ error: failure.code });
  if (failure.reason) query.set("reason", failure.reason.slice(0, 64));
  query.set("ref", context.requestId);
  return clearPendingSignInCookies(noStoreRedirect(`${context.appUrl}/signin/error?${query}`, 302), context.cookies, context.secureCookies);
}

/** Clears the cookies of a sign-in in progress that the browser sent: it ended, one way or the other. */
export function clearPendingSignInCookies(response: NextResponse, cookies: Pick<CookieReader, "get">, secureCookies: boolean): NextResponse {
  for (const name of [...signInCheckCookieNames(secureCookies), signInConnectionCookieName(secureCookies)]) {
    if (cookies.get(name)) response.cookies.set(name, "", { maxAge: 0, path: "/", httpOnly: true, sameSite: "lax", secure: secureCookies });
  }
  return response;
}
