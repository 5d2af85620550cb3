import type { NextRequest } from "next/server";
import { isSameOriginRequest } from "@/lib/access/same-origin";
import { getDb } from "@/lib/db";
import { getEnv } from "@/lib/config/env";
import { apiError } from "@/lib/errors/api-errors";
import { readLimitedJson } from "@/lib/http/body-limit";
import { NO_STORE } from "@/lib/http/no-store";
import { limitRequest } from "@/lib/rate-limits/limit-request";
import { setupLinkCookie } from "@/lib/organisation-admin/setup-link-cookie";
import { openSetupLink } from "@/lib/organisation-admin/setup-links";
import { NextResponse } from "next/server";

/**
 * POST /api/setup/open `{ "token": "…" }` (the setup page, from the link's fragment): keeps the
 * token in an HttpOnly cookie for the steps that follow. Same origin only: another site must
 * not be able to put its own setup link into a visitor's browser.
 */
export async function POST(request: NextRequest) {
  const env = getEnv();
  const refusal = await limitRequest(request, "login", env);
  if (refusal) return refusal;
  if (!isSameOriginRequest(request, env.authUrl)) return apiError("forbidden", { message: "Open the setup link in your browser: this call is for the setup page itself." });
  const body = await readLimitedJson(request);
  if (!body.ok) return body.response;
  const token = (body.value as { token?: unknown } | null)?.token;
  const opened = await openSetupLink(getDb(), typeof token === "string" ? token : undefined);
  if (!opened.ok) return apiError(opened.code);
  const cookie = setupLinkCookie(token as string, opened.link.expiresAt, env.secureCookies);
  const response = new NextResponse(null, { status: 204, headers: NO_STORE });
  response.cookies.set(cookie.name, cookie.value, cookie.options);
  return response;
}
