import { apiRoute } from "@/lib/api-route";
import type { NextRequest } from "next/server";
import { ApiTokenLimitError, createApiTokens } from "@/lib/auth/sessions/api-tokens";
import { forbiddenResponse } from "@/lib/auth/edge/errors";
import { requireUser } from "@/lib/auth/policy/guard";
import { isSameOriginRequest } from "@/lib/auth/policy/same-origin";
import { getDb } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { limitRequestByUser } from "@/lib/rate-limits/limit-request";

export const POST = apiRoute(async (request: NextRequest) => {
  const guard = await requireUser(request);
  if (!guard.ok) return guard.response;
  const env = getEnv();
  if (guard.identity.via !== "cookie") return forbiddenResponse("API tokens are created from a signed-in browser session, not with another token.");
  if (!isSameOriginRequest(request, env.authUrl)) return forbiddenResponse("Cross-origin request refused: create API tokens from the console itself.");
  const refusal = await limitRequestByUser(request, "token", guard.identity.userId, env);
  if (refusal) return refusal;
  try {
    const tokens = await createApiTokens(getDb(), env, guard.identity);
    return Response.json(tokens, { headers: { "Cache-Control": "no-store", Pragma: "no-cache" } });
  } catch (error) {
    if (!(error instanceof ApiTokenLimitError)) throw error;
    return Response.json({ error: error.code, message: error.message }, { status: 409, headers: { "Cache-Control": "no-store" } });
  }
});
