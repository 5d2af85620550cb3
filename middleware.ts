import { NextResponse, type NextRequest } from "next/server";
import { authenticateRequest } from "./lib/auth/authenticate-request";
import { authenticationOptions } from "./lib/auth/authentication-options";
import { unauthorizedResponse } from "./lib/auth/errors";
import { isPublicApiPath } from "./lib/auth/public-api-paths";
import { getEnv } from "./lib/env";

/**
 * The Edge gate in front of /api/*: decides "who is it?" from the cookie or the Bearer
 * header with no database or network call, and sets no cookie. Route handlers check again,
 * including revocation, which needs the database.
 */
export async function middleware(request: NextRequest) {
  if (isPublicApiPath(request.nextUrl.pathname)) return NextResponse.next();
  const result = await authenticateRequest(request, await authenticationOptions(getEnv()));
  return result.ok ? NextResponse.next() : unauthorizedResponse(result.code);
}

export const config = { matcher: "/api/:path*" };
