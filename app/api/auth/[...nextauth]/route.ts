import type { NextRequest } from "next/server";
import { handlers } from "@/lib/sign-in/auth-instance";
import { AUTH_BASE_PATH } from "@/lib/sign-in/auth-config";
import { getEnv } from "@/lib/config/env";
import { withLimitedBody } from "@/lib/http/body-limit";
import { limitRequest } from "@/lib/rate-limits/limit-request";

export const { GET } = handlers;

const SIGN_IN_PATH = `${AUTH_BASE_PATH}/signin`;

/** Auth.js's own POSTs: anyone may send them, so their bodies are capped; a sign-in start counts as a login. */
export async function POST(request: NextRequest) {
  const { pathname } = request.nextUrl;
  if (pathname === SIGN_IN_PATH || pathname.startsWith(`${SIGN_IN_PATH}/`)) {
    const refusal = await limitRequest(request, "login", getEnv());
    if (refusal) return refusal;
  }
  const limited = await withLimitedBody(request);
  if (!limited.ok) return limited.response;
  return handlers.POST(limited.request);
}
