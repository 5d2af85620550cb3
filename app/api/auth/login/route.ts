import type { NextRequest } from "next/server";
import { buildAuthJsConfig } from "@/lib/sign-in/auth-config";
import { signInContextOf } from "@/lib/sign-in/complete-sign-in";
import { startSignIn } from "@/lib/sign-in/start-sign-in";
import { getEnv } from "@/lib/config/env";
import { limitRequest } from "@/lib/rate-limits/limit-request";

export async function GET(request: NextRequest) {
  const env = getEnv();
  // Each sign-in start costs a round of work at the IdP: count them per client address.
  const refusal = await limitRequest(request, "login", env);
  if (refusal) return refusal;
  return startSignIn(request, buildAuthJsConfig(env), signInContextOf(request, env));
}
