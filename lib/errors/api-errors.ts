/**
 * The machine-readable reasons an /api/* request is refused. Defined once: the Edge
 * middleware, the route-handler guard and the tests all use these.
 */
export const AUTH_ERROR_MESSAGES = {
  missing_token:
    "No credentials: sign in to get a session cookie, or send an Authorization: Bearer <token> header.",
  invalid_authorization_header:
    "The Authorization header must have the form 'Bearer <token>'.",
  invalid_token:
    "The session or token could not be verified: it is malformed, was tampered with, or was signed with another key. Sign in again.",
  token_expired: "The session or token has expired. Sign in again, or refresh the access token.",
  token_revoked:
    "The session or token was revoked (signed out, signed out everywhere, logged out at the identity provider, or the user was disabled). Sign in again.",
  invalid_refresh_token: "The refresh token is unknown or expired. Create a new API token.",
  refresh_token_reused:
    "The refresh token was already used: its whole token family is now revoked as a precaution. Create a new API token.",
} as const;

export type AuthErrorCode = keyof typeof AUTH_ERROR_MESSAGES;

export const AUTH_ERROR_CODES = Object.keys(AUTH_ERROR_MESSAGES) as AuthErrorCode[];

const REALM = "voicesurveyagent";

/** RFC 6750 §3: no error attribute when no credentials were sent at all. */
function wwwAuthenticate(code: AuthErrorCode): string {
  if (code === "missing_token") return `Bearer realm="${REALM}"`;
  const error = code === "invalid_authorization_header" ? "invalid_request" : "invalid_token";
  return `Bearer realm="${REALM}", error="${error}", error_description="${code}"`;
}

const FORBIDDEN_MESSAGE = "You are signed in, but not allowed to do this.";

/** 403: the caller is known but lacks the role, or a browser request came from another origin. */
export function forbiddenResponse(message: string = FORBIDDEN_MESSAGE): Response {
  return Response.json({ error: "forbidden", message }, { status: 403, headers: { "Cache-Control": "no-store" } });
}

/** The one shape of every refusal on /api/*: 401 JSON, never a redirect. */
export function unauthorizedResponse(code: AuthErrorCode): Response {
  return Response.json(
    { error: code, message: AUTH_ERROR_MESSAGES[code] },
    {
      status: 401,
      headers: { "WWW-Authenticate": wwwAuthenticate(code), "Cache-Control": "no-store" },
    },
  );
}
