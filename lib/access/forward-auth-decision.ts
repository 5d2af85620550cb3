import "server-only";
import { getEnv } from "../config/env";
import { RENEWED_SESSION_CACHE_CONTROL, renewedCookieHeader, renewedSessionCookie, sessionNeedsRenewal, slidingSessionOptions } from "../credentials/sliding-session";
import { apiErrorAnswer } from "../errors/api-errors";
import type { Answer } from "../answer";
import { forwardAuthAnswer } from "./forward-auth";
import { checkAccess, type GuardedRequest, type SignedInPolicy } from "./guard";
import { policyOf } from "./route-policies";

/** The forward-auth policy, from the table like every route's. */
const policy = policyOf("/api/auth/verify", "GET") as SignedInPolicy;
if (policy?.access !== "signed-in") throw new Error("GET /api/auth/verify has no signed-in policy in lib/access/route-policies.ts");

/**
 * Who may pass, for a proxy (nginx auth_request, Traefik ForwardAuth): the one decision behind
 * both of its entry points, the Next route (app/api/auth/verify) and the forward-auth listener
 * (forward-auth-listener.ts). The guard's full check (credential, revocation, current role),
 * then `?role=`, then the sliding session: a cookie due for renewal comes back renewed on a
 * 204, for the proxy to pass to the browser (the middleware does not run here).
 */
export async function decideForwardAuth(request: GuardedRequest, requiredRoles: string | null): Promise<Answer> {
  const access = await checkAccess(request, policy);
  if (!access.ok) return apiErrorAnswer(access.code, { message: access.message });
  const answer = forwardAuthAnswer(access.identity, requiredRoles);
  if (answer.status !== 204 || !access.sessionClaims) return answer;
  const sliding = slidingSessionOptions(getEnv());
  if (!sessionNeedsRenewal(access.sessionClaims, sliding)) return answer;
  const renewed = renewedCookieHeader(await renewedSessionCookie(access.sessionClaims, sliding));
  return { ...answer, headers: { ...answer.headers, "Cache-Control": RENEWED_SESSION_CACHE_CONTROL }, setCookies: [renewed] };
}
