/** RFC 7644 §8.1: SCIM's media type. */
export const SCIM_CONTENT_TYPE = "application/scim+json";

export const SCIM_SCHEMAS = {
  user: "urn:ietf:params:scim:schemas:core:2.0:User",
  enterpriseUser: "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User",
  listResponse: "urn:ietf:params:scim:api:messages:2.0:ListResponse",
  patchOp: "urn:ietf:params:scim:api:messages:2.0:PatchOp",
  error: "urn:ietf:params:scim:api:messages:2.0:Error",
} as const;

/** RFC 7644 §3.12's scimType values this service answers with. */
export type ScimErrorType = "invalidFilter" | "invalidSyntax" | "invalidValue" | "invalidPath" | "noTarget" | "uniqueness" | "mutability" | "tooMany";

export function scimJson(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": SCIM_CONTENT_TYPE, "Cache-Control": "no-store", ...headers } });
}

/**
 * RFC 7644 §3.12: `{ schemas: [Error], status: "400", scimType?, detail }`. Entra ID and Okta show
 * `detail` in their provisioning logs, so it says what to fix.
 */
export function scimError(status: 400 | 401 | 403 | 404 | 409 | 412 | 413 | 429 | 500 | 501 | 503, detail: string, scimType?: ScimErrorType): Response {
  const headers: Record<string, string> = status === 401 ? { "WWW-Authenticate": 'Bearer realm="voicesurveyagent-scim"' } : status === 503 ? { "Retry-After": "5" } : {};
  return scimJson({ schemas: [SCIM_SCHEMAS.error], status: String(status), ...(scimType ? { scimType } : {}), detail }, status, headers);
}

/** A SCIM operation's refusal, for scimAnswer to send. */
export type ScimRefusal = { ok: false; status: 400 | 404 | 409; detail: string; scimType?: ScimErrorType };
