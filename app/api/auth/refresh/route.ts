import { apiRoute } from "@/lib/api-route";
import { auditRequestOf } from "@/lib/audit/audit-request";
import { refreshApiTokens } from "@/lib/auth/sessions/api-tokens";
import { unauthorizedResponse } from "@/lib/auth/edge/errors";
import { getDb } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { readLimitedJson } from "@/lib/http/body-limit";
import { limitRequest } from "@/lib/rate-limits/limit-request";

export const POST = apiRoute(async (request: Request) => {
  const env = getEnv();
  const refusal = await limitRequest(request, "refresh", env);
  if (refusal) return refusal;
  const body = await readLimitedJson(request);
  if (!body.ok) return body.response;
  const presented = typeof body.value === "object" && body.value !== null ? (body.value as { refresh_token?: unknown }).refresh_token : undefined;
  const outcome = await refreshApiTokens(getDb(), env, presented, auditRequestOf(request, env));
  if (!outcome.ok) return unauthorizedResponse(outcome.code);
  return Response.json(outcome.tokens, { headers: { "Cache-Control": "no-store", Pragma: "no-cache" } });
});
