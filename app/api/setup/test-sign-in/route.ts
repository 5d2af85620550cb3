import type { NextRequest } from "next/server";
import { getDb } from "@/lib/db";
import { getEnv } from "@/lib/config/env";
import { limitRequest } from "@/lib/rate-limits/limit-request";
import { setupConnectionOf } from "@/lib/organisation-admin/setup-connection";
import { backToSetup } from "@/lib/organisation-admin/setup-request";
import { buildAuthJsConfig } from "@/lib/sign-in/auth-config";
import { signInContextOf } from "@/lib/sign-in/complete-sign-in";
import { startSignIn } from "@/lib/sign-in/start-sign-in";

/**
 * GET /api/setup/test-sign-in (the setup page's "Test sign-in" link): starts a real sign-in at
 * the setup link's connection, switched off as it still is, bound as a test (it creates no
 * one: lib/sign-in/setup-test-sign-in.ts). A GET, like /api/auth/login, because it leads to
 * another origin (a form's redirect may not: Content-Security-Policy form-action 'self').
 */
export async function GET(request: NextRequest) {
  const env = getEnv();
  const refusal = await limitRequest(request, "login", env);
  if (refusal) return refusal;
  const setup = await setupConnectionOf(getDb(), env, request.cookies);
  if (!setup.ok) return backToSetup(env, { error: setup.code });
  if (!setup.connection) return backToSetup(env, { error: "connection_missing" });
  const context = signInContextOf(request, env);
  return startSignIn(request, buildAuthJsConfig(env, setup.connection), context, { connectionId: setup.connection.id, purpose: "setup_test" });
}
