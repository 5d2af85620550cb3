import { auditRequestOf } from "@/lib/audit/audit-request";
import { guardedRoute } from "@/lib/access/guarded-route";
import { ApiTokenLimitError, createApiTokens } from "@/lib/sessions/api-tokens";
import { getDb } from "@/lib/db";
import { getEnv } from "@/lib/config/env";
import { limitRequestByUser } from "@/lib/rate-limits/limit-request";
import { apiError } from "@/lib/errors/api-errors";
import { noStoreJson } from "@/lib/http/no-store";

/** A new API token, from a signed-in browser session on this origin (the route's policy). */
export const POST = guardedRoute("/api/auth/token", "POST", async (request, { identity }) => {
  const env = getEnv();
  const refusal = await limitRequestByUser(request, "token", identity.userId, env);
  if (refusal) return refusal;
  try {
    const tokens = await createApiTokens(getDb(), env, identity, auditRequestOf(request, env));
    return noStoreJson(tokens, { headers: { Pragma: "no-cache" } });
  } catch (error) {
    if (!(error instanceof ApiTokenLimitError)) throw error;
    return apiError(error.code, { message: error.message });
  }
});
