import type { NextRequest } from "next/server";
import { getEnv } from "../env";
import { authenticateRequest } from "./authenticate-request";
import { unauthorizedResponse } from "./errors";
import type { SessionIdentity } from "./session-cookie";

export type Guarded = { ok: true; identity: SessionIdentity } | { ok: false; response: Response };

/**
 * Every protected route handler calls this itself: the middleware is a first gate, not
 * the only one (CVE-2025-29927 skipped Next middleware with a single request header).
 */
export async function requireUser(request: NextRequest): Promise<Guarded> {
  const env = getEnv();
  const result = await authenticateRequest(request, { secret: env.authSecret, secureCookies: env.secureCookies });
  if (!result.ok) return { ok: false, response: unauthorizedResponse(result.code) };
  return { ok: true, identity: result.identity };
}
