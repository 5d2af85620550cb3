import { apiRoute } from "@/lib/api-route";
import type { NextRequest } from "next/server";
import { forwardAuthResponse } from "@/lib/auth/policy/forward-auth";
import { requireUser } from "@/lib/auth/policy/guard";

export const GET = apiRoute(async (request: NextRequest) => {
  const guard = await requireUser(request);
  if (!guard.ok) return guard.response;
  return forwardAuthResponse(guard.identity, request.nextUrl.searchParams.get("role"));
});
