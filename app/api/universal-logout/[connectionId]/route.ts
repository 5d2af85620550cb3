import { apiRoute } from "@/lib/http/api-route";
import { auditRequestOf } from "@/lib/audit/audit-request";
import { getDb } from "@/lib/db";
import { getEnv } from "@/lib/config/env";
import { readLimitedJson } from "@/lib/http/body-limit";
import { NO_STORE } from "@/lib/http/no-store";
import { apiError } from "@/lib/errors/api-errors";
import { limitRequest } from "@/lib/rate-limits/limit-request";
import { acceptUniversalLogout } from "@/lib/shared-signals/universal-logout";

/** Okta's Universal Logout: end every session and API token of the person the body names. */
export const POST = apiRoute(async (request: Request, { params }: { params: Promise<{ connectionId: string }> }) => {
  const arrivedAt = Date.now();
  const env = getEnv();
  const refusal = await limitRequest(request, "securityEvents", env);
  if (refusal) return refusal;
  const body = await readLimitedJson(request);
  if (!body.ok) return body.response;
  const outcome = await acceptUniversalLogout(getDb(), env, (await params).connectionId, request.headers.get("authorization"), body.value, auditRequestOf(request, env), arrivedAt);
  if (outcome.ok) return new Response(null, { status: 204, headers: NO_STORE });
  // OAuth's error_description beside our message: Okta logs the one it knows.
  return apiError(outcome.error, { message: outcome.description, fields: { error_description: outcome.description } });
});
