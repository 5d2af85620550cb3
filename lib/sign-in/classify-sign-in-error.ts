import { isSignInFailureCode, SignInRefusal, type SignInFailure } from "../errors/sign-in-failures";

type Coded = Error & { code?: unknown; type?: unknown; cause?: unknown; error?: unknown; error_description?: unknown; claim?: unknown };

/** The error and everything it wraps: Auth.js keeps the original in `cause.err`, others in `cause`. */
function causeChain(error: unknown): Coded[] {
  const chain: Coded[] = [];
  let current: unknown = error;
  while (current instanceof Error && chain.length < 8) {
    chain.push(current as Coded);
    const { cause } = current as Coded;
    current = cause instanceof Error ? cause : typeof cause === "object" && cause !== null && "err" in cause ? (cause as { err: unknown }).err : undefined;
  }
  return chain;
}

/** The OAuth `error` / `error_description` an IdP sent (Auth.js puts them in the error's cause). */
function oauthError(error: Coded): Pick<SignInFailure, "idpError" | "idpErrorDescription"> {
  const source = (error.cause && typeof error.cause === "object" && !(error.cause instanceof Error) ? error.cause : error) as Record<string, unknown>;
  const text = (value: unknown) => (typeof value === "string" ? value : undefined);
  return { idpError: text(source.error) ?? text(error.error), idpErrorDescription: text(source.error_description) ?? text(error.error_description) };
}

// OAuth errors in the authorization response that mean "this person was not let in".
const DENIALS = new Set(["access_denied", "login_required", "consent_required", "interaction_required", "account_selection_required", "unauthorized_client"]);

function fromOAuth4WebApi(error: Coded): SignInFailure | undefined {
  const { code, message } = error;
  const claim = error.cause && typeof error.cause === "object" ? (error.cause as { claim?: unknown }).claim : undefined;
  switch (code) {
    case "OAUTH_RESPONSE_BODY_ERROR":
    case "OAUTH_WWW_AUTHENTICATE_CHALLENGE": {
      const idp = oauthError(error);
      return { code: "idp_error", reason: idp.idpError ?? "error_response", ...idp };
    }
    case "OAUTH_JWT_CLAIM_COMPARISON_FAILED":
      if (claim === "nonce") return { code: "invalid_id_token", reason: "nonce" };
      if (claim === "iss") return { code: "invalid_id_token", reason: "issuer" };
      if (claim === "aud") return { code: "invalid_id_token", reason: "audience" };
      if (claim === "azp") return { code: "invalid_id_token", reason: "azp" };
      return { code: "invalid_id_token", reason: "missing_claim" };
    case "OAUTH_JWT_TIMESTAMP_CHECK_FAILED":
      return { code: "invalid_id_token", reason: /future|nbf/i.test(message) ? "issued_in_future" : "expired" };
    case "OAUTH_KEY_SELECTION_FAILED":
      return { code: "invalid_id_token", reason: "unknown_key" };
    case "OAUTH_INVALID_RESPONSE":
      if (/"state"/.test(message)) return { code: "state_mismatch", reason: "state" };
      if (/"iss"/.test(message)) return { code: "invalid_callback", reason: "issuer" };
      if (/authorization code/.test(message)) return { code: "invalid_callback", reason: "missing_code" };
      if (/id_token|ID Token/.test(message)) return { code: "invalid_id_token", reason: "malformed" };
      return { code: "idp_error", reason: "bad_response" };
    case "OAUTH_INVALID_REQUEST":
    case "OAUTH_PARSE_ERROR":
      return { code: "invalid_callback", reason: "malformed" };
    case "OAUTH_RESPONSE_IS_NOT_JSON":
    case "OAUTH_RESPONSE_IS_NOT_CONFORM": {
      // An IdP answering 5xx is down, not wrong: the person should retry, not call IT.
      const status = error.cause instanceof Response ? error.cause.status : undefined;
      return status !== undefined && status >= 500 ? { code: "idp_unreachable", reason: `http_${status}` } : { code: "idp_error", reason: "bad_response" };
    }
    case "OAUTH_MISSING_SERVER_METADATA":
    case "OAUTH_INVALID_SERVER_METADATA":
      return { code: "idp_error", reason: "bad_metadata" };
    case "OAUTH_UNSUPPORTED_OPERATION":
      return { code: "invalid_callback", reason: "unsupported_response" };
    case "OAUTH_AUTHORIZATION_RESPONSE_ERROR": {
      const idp = oauthError(error);
      return { code: idp.idpError && DENIALS.has(idp.idpError) ? "access_denied" : "idp_error", reason: idp.idpError, ...idp };
    }
    default:
      return undefined;
  }
}

function isTimeout(error: Coded): boolean {
  return error.name === "TimeoutError" || error.name === "AbortError" || error.code === "ERR_JWKS_TIMEOUT";
}

/** fetch's own failure (undici: "fetch failed"; refused, reset, DNS), or a socket error code under it. */
function isNetworkFailure(error: Coded): boolean {
  return (error.name === "TypeError" && /fetch failed|failed to fetch/i.test(error.message)) || (typeof error.code === "string" && /^(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|UND_ERR_)/.test(error.code));
}

/**
 * Why a sign-in failed, as one stable code and a finer reason, from whatever Auth.js,
 * oauth4webapi, jose, fetch or our own checks threw. Refusals we raise on purpose win; then
 * an IdP that did not answer; then what the IdP or the callback got wrong; anything else is
 * our own failure (`server_error`), never blamed on the person.
 */
export function classifySignInError(error: unknown, callbackParams?: URLSearchParams): SignInFailure {
  const chain = causeChain(error);
  for (const link of chain) {
    if (link instanceof SignInRefusal) return link.failure;
    // Domain errors that carry their own failure code (AccountConflictError, AccountDisabledError).
    if (isSignInFailureCode(link.code)) return { code: link.code };
  }
  for (const link of chain) {
    if (isTimeout(link)) return { code: "idp_unreachable", reason: "timeout" };
    if (isNetworkFailure(link)) return { code: "idp_unreachable", reason: "network" };
  }
  for (const link of chain) {
    if (link.type === "OAuthCallbackError") {
      // The IdP redirected back with `error` (Auth.js keeps it in no field of its error, so it
      // is read from the callback's own parameters).
      const idpError = callbackParams?.get("error") ?? undefined;
      const idpErrorDescription = callbackParams?.get("error_description") ?? undefined;
      return { code: idpError && DENIALS.has(idpError) ? "access_denied" : "idp_error", reason: idpError, idpError, idpErrorDescription };
    }
    if (link.type === "InvalidCheck") return { code: "state_mismatch", reason: "missing_check_cookie" };
    if (link.name === "IdpMetadataError") {
      const { status } = link as Coded & { status?: number };
      return status !== undefined && status >= 500 ? { code: "idp_unreachable", reason: `http_${status}` } : { code: "idp_error", reason: "bad_metadata" };
    }
    if (typeof link.code === "string" && link.code.startsWith("OAUTH_")) {
      const failure = fromOAuth4WebApi(link);
      if (failure) return failure;
    }
    if (typeof link.code === "string" && link.code.startsWith("ERR_J")) return { code: "idp_error", reason: "bad_jwks" };
  }
  return { code: "server_error" };
}
