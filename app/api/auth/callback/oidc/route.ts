import type { NextRequest } from "next/server";
import { buildAuthJsConfigWithDatabase } from "@/lib/sign-in/auth-instance";
import { callbackParams, completeSignIn, refuseCallback, signInContextOf } from "@/lib/sign-in/complete-sign-in";
import { getDb } from "@/lib/db";
import { getEnv } from "@/lib/config/env";
import { readLimitedBody } from "@/lib/http/body-limit";
import { limitRequest } from "@/lib/rate-limits/limit-request";
import { connectionForSignIn } from "@/lib/sign-in/sign-in-connection";
import { signInConnectionOf } from "@/lib/sign-in/sign-in-connection-cookie";
import { setupConnectionOf } from "@/lib/organisation-admin/setup-connection";
import { completeSetupTestSignIn } from "@/lib/sign-in/setup-test-sign-in";
import type { SignInContext } from "@/lib/sign-in/complete-sign-in";
import type { Env } from "@/lib/config/env";

/** A setup link's test sign-in: only with the link this browser holds, and its connection. */
async function setupTestCallback(request: NextRequest, body: string | undefined, env: Env, context: SignInContext, connectionId: string) {
  const setup = await setupConnectionOf(getDb(), env, request.cookies);
  if (!setup.ok || setup.connection?.id !== connectionId) return refuseCallback(getDb(), request, { code: "connection_unavailable", reason: "unknown" }, context);
  return completeSetupTestSignIn(getDb(), request, body, env, context, setup.connection, setup.link);
}

/** The IdP's redirect back (authorization code flow); a form_post answer arrives as POST. */
async function callback(request: NextRequest) {
  const env = getEnv();
  const refusal = await limitRequest(request, "callback", env);
  if (refusal) return refusal;
  const context = signInContextOf(request, env);
  let body: string | undefined;
  if (request.method === "POST") {
    const read = await readLimitedBody(request);
    // A browser lands here: it gets the explained error page, not JSON.
    if (!read.ok) return refuseCallback(getDb(), request, { code: "invalid_callback", reason: "too_large" }, context);
    body = new TextDecoder().decode(read.bytes);
  }
  // The connection this sign-in was started with, bound to its state: no other may complete it.
  const state = callbackParams(request, body).get("state");
  const binding = signInConnectionOf(request.cookies, state, env.authSecret, env.secureCookies);
  if (!binding.ok) return refuseCallback(getDb(), request, { code: "state_mismatch", reason: binding.reason }, context);
  if (binding.purpose === "setup_test") return setupTestCallback(request, body, env, context, binding.connectionId);
  const chosen = await connectionForSignIn(getDb(), env, binding.connectionId, context.requestId);
  if (!chosen.ok) return refuseCallback(getDb(), request, chosen.failure, context);
  return completeSignIn(getDb(), request, body, (state) => buildAuthJsConfigWithDatabase(env, state, chosen.connection), context, chosen.connection.id);
}

export const GET = callback;
export const POST = callback;
