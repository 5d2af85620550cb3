import { toResponse, type Answer } from "../answer";

/**
 * Every error code the API answers with, its HTTP status and its default message: one table,
 * used by the Edge middleware, the guard, the handlers, the rate and body limits and the
 * 404/503 answers alike, and by the tests. `apiError` is the one way to answer with one.
 *
 * Functions' results follow one shape per layer: `{ ok: true, … } | { ok: false, code }` with a
 * machine-readable `code`, and `message` where a person reads the failure (request parsing,
 * configuration); at the HTTP layer, `{ ok: false, response }` carries the answer to send.
 */
export const API_ERRORS = {
  // 401: who is it? (RFC 6750: each with its WWW-Authenticate challenge)
  missing_token: {
    status: 401,
    message: "No credentials: sign in to get a session cookie, or send an Authorization: Bearer <token> header.",
  },
  invalid_authorization_header: { status: 401, message: "The Authorization header must have the form 'Bearer <token>'." },
  invalid_token: {
    status: 401,
    message: "The session or token could not be verified: it is malformed, was tampered with, or was signed with another key. Sign in again.",
  },
  token_expired: { status: 401, message: "The session or token has expired. Sign in again, or refresh the access token." },
  token_revoked: {
    status: 401,
    message: "The session or token was revoked (signed out, signed out everywhere, logged out at the identity provider, or the user was disabled). Sign in again.",
  },
  invalid_refresh_token: { status: 401, message: "The refresh token is unknown or expired. Create a new API token." },
  refresh_token_reused: {
    status: 401,
    message: "The refresh token was already used: its whole token family is now revoked as a precaution. Create a new API token.",
  },
  // 403: known, but may not
  forbidden: { status: 403, message: "You are signed in, but not allowed to do this." },
  // 400: the request itself (the audit query's codes carry their own messages: lib/audit/audit-query.ts)
  invalid_request: { status: 400, message: "The request is malformed." },
  invalid_user: { status: 400, message: "user must be a user id or an email address." },
  invalid_action: { status: 400, message: "action is not an audit action." },
  invalid_date: { status: 400, message: "from and to must be dates or times with a zone." },
  invalid_time_range: { status: 400, message: "from must be before to." },
  invalid_cursor: { status: 400, message: "cursor must be a nextCursor this API returned." },
  invalid_limit: { status: 400, message: "limit is out of range." },
  not_found: { status: 404, message: "No such user, or no such session of this user." },
  method_not_allowed: { status: 405, message: "This method is not allowed here." },
  // 409: the state does not allow it
  conflict: {
    status: 409,
    message: "Someone changed this user since you read it (the version you sent is not the current one). Reload and try again.",
  },
  last_admin: {
    status: 409,
    message: "This is the last active administrator: make someone else an admin first, so that the console keeps one.",
  },
  role_managed_by_idp: {
    status: 409,
    message: "Roles are managed by the identity provider: change the user's groups or roles there; they apply at the next sign-in or session renewal.",
  },
  slug_taken: { status: 409, message: "Another organisation has this slug: choose another." },
  // An organisation's domains and connections (lib/organisation-admin/): the message says what to fix.
  invalid_domain: { status: 400, message: "That is not an email domain a company could prove (e.g. example.com)." },
  invalid_connection: { status: 400, message: "The connection's settings are incomplete or malformed." },
  domain_exists: { status: 409, message: "The organisation already has this domain." },
  domain_taken: { status: 409, message: "Another organisation has verified this domain." },
  domain_not_found: { status: 409, message: "Add the domain to the organisation (and verify it) first: a connection signs in only the organisation's own domains." },
  connection_exists: { status: 409, message: "A connection with this issuer and client id already exists." },
  discovery_failed: { status: 422, message: "The identity provider's discovery document could not be fetched or does not meet the console's requirements." },
  connection_secret_key_missing: { status: 503, message: "CONNECTION_SECRET_KEY is not set on the server: client secrets cannot be sealed. Ask the operator." },
  too_many_api_tokens: { status: 409, message: "Too many active API tokens: revoke one you no longer use." },
  setup_link_unknown: { status: 404, message: "This setup link is not one of ours: check that you copied all of it, or ask for a new one." },
  setup_link_expired: { status: 410, message: "This setup link has expired: ask the person who sent it for a new one." },
  setup_link_used: { status: 410, message: "This setup link was used already: its organisation's sign-in is set up. Sign in, or ask for a new link." },
  payload_too_large: { status: 413, message: "The request body is larger than this endpoint accepts." },
  rate_limited: { status: 429, message: "Too many requests: try again later." },
  service_unavailable: {
    status: 503,
    message: "The console could not complete this request: a service it depends on (database or identity provider) is unavailable. Try again shortly.",
  },
} as const satisfies Record<string, { status: number; message: string }>;

export type ApiErrorCode = keyof typeof API_ERRORS;

/** The 401 codes: why the caller is not known. */
export type AuthErrorCode = { [Code in ApiErrorCode]: (typeof API_ERRORS)[Code]["status"] extends 401 ? Code : never }[ApiErrorCode];

const isAuthErrorCode = (code: ApiErrorCode): code is AuthErrorCode => API_ERRORS[code].status === 401;

export const AUTH_ERROR_CODES = (Object.keys(API_ERRORS) as ApiErrorCode[]).filter(isAuthErrorCode);

/**
 * The response header that tells the request observer (lib/observability/request-observer.ts)
 * an answer's code, so the log line and the metrics read it from the answer itself. The
 * observer removes it before the answer leaves the server.
 */
export const ERROR_CODE_HEADER = "x-vsa-error-code";

const REALM = "voicesurveyagent";

/** RFC 6750 §3: no error attribute when no credentials were sent at all. */
function wwwAuthenticate(code: AuthErrorCode): string {
  if (code === "missing_token") return `Bearer realm="${REALM}"`;
  const error = code === "invalid_authorization_header" ? "invalid_request" : "invalid_token";
  return `Bearer realm="${REALM}", error="${error}", error_description="${code}"`;
}

/**
 * The API's one shape of a refusal: JSON `{ error, message }` (plus `fields`, where a
 * protocol asks for more) with the code's status, never cached, never a redirect; a 401
 * carries its WWW-Authenticate challenge.
 */
export function apiError(code: ApiErrorCode, options: ApiErrorOptions = {}): Response {
  return toResponse(apiErrorAnswer(code, options));
}

type ApiErrorOptions = { message?: string; headers?: Record<string, string>; fields?: Record<string, unknown> };

/** The same refusal as plain data (lib/answer.ts), for the forward-auth listener. */
export function apiErrorAnswer(code: ApiErrorCode, options: ApiErrorOptions = {}): Answer {
  const headers: Record<string, string> = { "Content-Type": "application/json", "Cache-Control": "no-store", [ERROR_CODE_HEADER]: code, ...options.headers };
  if (isAuthErrorCode(code)) headers["WWW-Authenticate"] = wwwAuthenticate(code);
  return { status: API_ERRORS[code].status, headers, body: JSON.stringify({ error: code, message: options.message ?? API_ERRORS[code].message, ...options.fields }) };
}
