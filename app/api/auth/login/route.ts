import type { NextRequest } from "next/server";
import { buildEdgeAuthConfig } from "@/lib/auth/config";
import { signInContextOf } from "@/lib/auth/sign-in/complete-sign-in";
import { startSignIn } from "@/lib/auth/start-sign-in";
import { getEnv } from "@/lib/env";

export async function GET(request: NextRequest) {
  const env = getEnv();
  return startSignIn(request, buildEdgeAuthConfig(env), signInContextOf(request, env));
}
