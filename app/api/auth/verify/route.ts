import type { NextRequest } from "next/server";
import { decideForwardAuth } from "@/lib/access/forward-auth-decision";
import { toResponse } from "@/lib/answer";
import { apiRoute } from "@/lib/http/api-route";

// The slow entry point of forward auth (Next's pipeline costs about 2 ms of CPU a request):
// nginx targets the forward-auth listener (FORWARD_AUTH_PORT) instead, which answers with
// this very decision. The middleware skips this route; the decision renews a due cookie itself.
export const GET = apiRoute(async (request: NextRequest) => toResponse(await decideForwardAuth(request, request.nextUrl.searchParams.get("role"))));
