import type { NextRequest } from "next/server";
import { buildAuthJsConfigWithDatabase } from "@/lib/sign-in/auth-instance";
import { completeSignIn, refuseCallback, signInContextOf } from "@/lib/sign-in/complete-sign-in";
import { getDb } from "@/lib/db";
import { getEnv } from "@/lib/config/env";
import { readLimitedBody } from "@/lib/http/body-limit";
import { limitRequest } from "@/lib/rate-limits/limit-request";

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
  return completeSignIn(getDb(), request, body, (state) => buildAuthJsConfigWithDatabase(env, state), context);
}

export const GET = callback;
export const POST = callback;
