import { NextResponse, type NextRequest } from "next/server";
import { authenticateRequest } from "./lib/auth/authenticate-request";
import { unauthorizedResponse } from "./lib/auth/errors";
import { isPublicApiPath } from "./lib/auth/public-api-paths";
import { getEnv } from "./lib/env";

/**
 * The Edge gate in front of /api/*: decides "who is it?" from the cookie or the Bearer
 * header with no database or network call, and sets no cookie. Route handlers check again.
 */
export async function middleware(request: NextRequest) {
  if (isPublicApiPath(request.nextUrl.pathname)) return NextResponse.next();
  const env = getEnv();
  const result = await authenticateRequest(request, { secret: env.authSecret, secureCookies: env.secureCookies });
  return result.ok ? NextResponse.next() : unauthorizedResponse(result.code);
}

export const config = { matcher: "/api/:path*" };
