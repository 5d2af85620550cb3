import { auditRequestOf } from "@/lib/audit/audit-request";
import { guardedRoute } from "@/lib/access/guarded-route";
import { ApiTokenLimitError, createApiTokens } from "@/lib/sessions/api-tokens";
import { getDb } from "@/lib/db";
import { getEnv } from "@/lib/config/env";
import { limitRequestByUser } from "@/lib/rate-limits/limit-request";

/** A new API token, from a signed-in browser session on this origin (the route's policy). */
export const POST = guardedRoute("/api/auth/token", "POST", async (request, { identity }) => {
  const env = getEnv();
  const refusal = await limitRequestByUser(request, "token", identity.userId, env);
  if (refusal) return refusal;
  try {
    const tokens = await createApiTokens(getDb(), env, identity, auditRequestOf(request, env));
    return Response.json(tokens, { headers: { "Cache-Control": "no-store", Pragma: "no-cache" } });
  } catch (error) {
    if (!(error instanceof ApiTokenLimitError)) throw error;
    return Response.json({ error: error.code, message: error.message }, { status: 409, headers: { "Cache-Control": "no-store" } });
  }
});
