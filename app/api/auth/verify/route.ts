import { forwardAuthResponse } from "@/lib/access/forward-auth";
import { guardedRoute } from "@/lib/access/guarded-route";

export const GET = guardedRoute("/api/auth/verify", "GET", async (request, { identity }) =>
  forwardAuthResponse(identity, request.nextUrl.searchParams.get("role")),
);
