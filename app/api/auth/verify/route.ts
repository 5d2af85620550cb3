import { forwardAuthResponse } from "@/lib/auth/policy/forward-auth";
import { guardedRoute } from "@/lib/auth/policy/guarded-route";

export const GET = guardedRoute("/api/auth/verify", "GET", async (request, { identity }) =>
  forwardAuthResponse(identity, request.nextUrl.searchParams.get("role")),
);
