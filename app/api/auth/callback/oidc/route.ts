import type { NextRequest } from "next/server";
import { buildAuthConfig } from "@/lib/auth";
import { completeSignIn, signInContextOf } from "@/lib/auth/sign-in/complete-sign-in";
import { getEnv } from "@/lib/env";

/** The IdP's redirect back (authorization code flow); a form_post answer arrives as POST. */
async function callback(request: NextRequest) {
  const env = getEnv();
  const body = request.method === "POST" ? await request.text() : undefined;
  return completeSignIn(request, body, () => buildAuthConfig(env), signInContextOf(request, env));
}

export const GET = callback;
export const POST = callback;
