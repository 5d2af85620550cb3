import { apiRoute } from "@/lib/http/api-route";
import { auditRequestOf } from "@/lib/audit/audit-request";
import { refreshApiTokens } from "@/lib/sessions/api-tokens";
import { apiError } from "@/lib/errors/api-errors";
import { getDb } from "@/lib/db";
import { getEnv } from "@/lib/config/env";
import { readLimitedJson } from "@/lib/http/body-limit";
import { metrics } from "@/lib/observability/metrics";
import { limitRequest } from "@/lib/rate-limits/limit-request";
import { noStoreJson } from "@/lib/http/no-store";

const REFRESH_OUTCOMES = { refresh_token_reused: "reused", invalid_refresh_token: "invalid_or_expired", token_revoked: "revoked" } as const;

export const POST = apiRoute(async (request: Request) => {
  const env = getEnv();
  const refusal = await limitRequest(request, "refresh", env);
  if (refusal) return refusal;
  const body = await readLimitedJson(request);
  if (!body.ok) return body.response;
  const presented = typeof body.value === "object" && body.value !== null ? (body.value as { refresh_token?: unknown }).refresh_token : undefined;
  const outcome = await refreshApiTokens(getDb(), env, presented, auditRequestOf(request, env));
  metrics.refreshes.inc({ outcome: outcome.ok ? (outcome.retried ? "retry_answered" : "rotated") : REFRESH_OUTCOMES[outcome.code] });
  if (!outcome.ok) return apiError(outcome.code);
  return noStoreJson(outcome.tokens, { headers: { Pragma: "no-cache" } });
});
