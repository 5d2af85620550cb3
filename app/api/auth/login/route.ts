import type { NextRequest } from "next/server";
import { buildAuthJsConfig } from "@/lib/sign-in/auth-config";
import { signInContextOf } from "@/lib/sign-in/complete-sign-in";
import { refuseSignIn } from "@/lib/sign-in/refuse-sign-in";
import { connectionForSignIn } from "@/lib/sign-in/sign-in-connection";
import { startSignIn } from "@/lib/sign-in/start-sign-in";
import { getDb } from "@/lib/db";
import { getEnv } from "@/lib/config/env";
import { limitRequest } from "@/lib/rate-limits/limit-request";

/** GET /api/auth/login?connection=ID&login_hint=EMAIL&callbackUrl=/path (no connection: the environment's). */
export async function GET(request: NextRequest) {
  const env = getEnv();
  // Each sign-in start costs a round of work at the IdP: count them per client address.
  const refusal = await limitRequest(request, "login", env);
  if (refusal) return refusal;
  const context = signInContextOf(request, env);
  const params = request.nextUrl.searchParams;
  const chosen = await connectionForSignIn(getDb(), env, params.get("connection"), context.requestId);
  if (!chosen.ok) return refuseSignIn(chosen.failure, { ...context, cookies: request.cookies, stage: "login" });
  const loginHint = params.get("login_hint")?.slice(0, 254) || undefined;
  return startSignIn(request, buildAuthJsConfig(env, chosen.connection), context, { connectionId: chosen.connection.id, loginHint });
}
