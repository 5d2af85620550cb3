import "server-only";
import type { NextRequest } from "next/server";
import { auditRequestOf } from "../audit/audit-request";
import { getDb } from "../db";
import { getEnv } from "../config/env";
import { readLimitedJson } from "../http/body-limit";
import { getLogger } from "../observability/logger";
import { authenticateDirectory, type Directory } from "../organisation-admin/directory-tokens";
import { scimError, scimJson } from "./scim-response";
import type { ScimRefusal } from "./scim-response";

/** A directory's group PATCH can name thousands of members: more room than the 16 KiB of unauthenticated bodies, still bounded. */
const MAX_SCIM_BODY_BYTES = 1024 * 1024;

type ScimContext = { directory: Directory; baseUrl: string; auditRequest: ReturnType<typeof auditRequestOf>; body: () => Promise<{ ok: true; value: unknown } | { ok: false; response: Response }> };

/**
 * A /scim/v2 handler: the organisation's directory token first (401 otherwise; no other
 * credential opens these routes, and a directory token opens nothing else), SCIM's error
 * shape for every refusal, and 503 with Retry-After when the database is down (Entra ID and
 * Okta retry those), never a bare 500.
 */
export function scimRoute<Params>(handler: (request: NextRequest, context: ScimContext, params: Params) => Promise<Response>) {
  return async (request: NextRequest, route: { params: Promise<Params> }): Promise<Response> => {
    try {
      const directory = await authenticateDirectory(getDb(), request.headers.get("authorization"));
      if (!directory) return scimError(401, "Send the organisation's directory token: Authorization: Bearer vsa_scim_… (the console's organisation page, or npm run orgs -- directory-token).");
      const env = getEnv();
      const body = async () => {
        const read = await readLimitedJson(request, MAX_SCIM_BODY_BYTES);
        if (!read.ok) return { ok: false as const, response: scimError(413, "The request body is larger than 1 MiB.", "tooMany") };
        if (read.value === null) return { ok: false as const, response: scimError(400, "The body is not JSON.", "invalidSyntax") };
        return read;
      };
      return await handler(request, { directory, baseUrl: env.authUrl, auditRequest: auditRequestOf(request, env), body }, await route.params);
    } catch (error) {
      getLogger().error({ event: "scim_failed", error: error instanceof Error ? error.message : String(error) });
      return scimError(503, "The console could not complete this request (its database is unavailable): try again shortly.");
    }
  };
}

/** A SCIM operation's outcome as the answer. */
export function scimAnswer<T>(outcome: { ok: true; value: T } | ScimRefusal, status = 200): Response {
  if (!outcome.ok) return scimError(outcome.status, outcome.detail, outcome.scimType);
  return outcome.value === null ? new Response(null, { status: 204 }) : scimJson(outcome.value, status);
}


