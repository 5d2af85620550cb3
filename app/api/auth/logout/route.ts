import { NextResponse } from "next/server";
import { auditRequestOf } from "@/lib/audit/audit-request";
import { clearSessionCookies } from "@/lib/credentials/session-cookie";
import { guardedRoute } from "@/lib/access/guarded-route";
import { logOut } from "@/lib/sessions/logout";
import { getDb } from "@/lib/db";
import { getEnv } from "@/lib/config/env";
import { readLimitedJson } from "@/lib/http/body-limit";
import { NO_STORE } from "@/lib/http/no-store";

/** Signs the caller out (JSON {"everywhere": true}: every sign-in of theirs) and clears the cookie. */
export const POST = guardedRoute("/api/auth/logout", "POST", async (request, caller) => {
  const env = getEnv();
  const body = await readLimitedJson(request);
  if (!body.ok) return body.response;
  const everywhere = typeof body.value === "object" && body.value !== null && (body.value as { everywhere?: unknown }).everywhere === true;
  const response = NextResponse.json(await logOut(getDb(), env, caller, everywhere, auditRequestOf(request, env)), { headers: NO_STORE });
  clearSessionCookies(request, response, env.secureCookies);
  return response;
});
