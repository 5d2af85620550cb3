import { apiRoute } from "@/lib/api-route";
import { refreshApiTokens } from "@/lib/auth/api-tokens";
import { unauthorizedResponse } from "@/lib/auth/errors";
import { getDb } from "@/lib/db";
import { getEnv } from "@/lib/env";

export const POST = apiRoute(async (request: Request) => {
  const body: unknown = await request.json().catch(() => null);
  const presented = typeof body === "object" && body !== null ? (body as { refresh_token?: unknown }).refresh_token : undefined;
  const outcome = await refreshApiTokens(getDb(), getEnv(), presented);
  if (!outcome.ok) return unauthorizedResponse(outcome.code);
  return Response.json(outcome.tokens, { headers: { "Cache-Control": "no-store", Pragma: "no-cache" } });
});
