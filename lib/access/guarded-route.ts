import "server-only";
import type { NextRequest } from "next/server";
import { apiRoute } from "../http/api-route";
import { policyOf, type HttpMethod, type RoutePath } from "./route-policies";
import { requireUser, type Guarded, type SignedInPolicy } from "./guard";

type Caller = Extract<Guarded, { ok: true }>;
type Context<Params> = { params: Promise<Params> };

/**
 * A protected route handler: the route's policy comes from the table (never from the handler),
 * requireUser enforces it, and failures the handler does not expect answer 503 JSON (apiRoute).
 * A route missing from the table, or listed as public, fails at startup instead of serving.
 */
export function guardedRoute<Params extends Record<string, string | string[]> = Record<string, string | string[]>>(
  route: RoutePath,
  method: HttpMethod,
  handler: (request: NextRequest, caller: Caller, context: Context<Params>) => Promise<Response>,
) {
  const policy = policyOf(route, method);
  if (policy?.access !== "signed-in") throw new Error(`${method} ${route} has no signed-in policy in lib/access/route-policies.ts`);
  const signedIn: SignedInPolicy = policy;
  return apiRoute(async (request: NextRequest, context: Context<Params>) => {
    const guarded = await requireUser(request, signedIn);
    if (!guarded.ok) return guarded.response;
    return handler(request, guarded, context);
  });
}
