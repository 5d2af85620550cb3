import "server-only";
import { getDb } from "../db";
import { getEnv } from "../config/env";
import { authenticateRequest } from "../credentials/authenticate-request";
import { authenticationOptions } from "../credentials/authentication-options";
import { API_ERRORS, apiError, type ApiErrorCode } from "../errors/api-errors";
import type { RoutePolicy } from "./route-policies";
import { roleSatisfies } from "../roles/roles";
import type { CookieReader, SessionIdentity } from "../credentials/session-cookie";
import { checkFamily } from "../sessions/family-check";
import { metrics } from "../observability/metrics";
import { noteUser } from "../observability/request-context";
import { isSameOriginRequest } from "./same-origin";

/** What the guard reads of a request: a NextRequest, or the forward-auth listener's own (node:http). */
export type GuardedRequest = { headers: Pick<Headers, "get">; cookies: CookieReader };

export type SignedInPolicy = Extract<RoutePolicy, { access: "signed-in" }>;

/** `sessionClaims`: the decoded cookie of a cookie session (for its renewal). */
type SignedIn = { ok: true; identity: SessionIdentity; sessionClaims?: Record<string, unknown> };

export type Guarded =
  /** `organisationId`: the caller's organisation, the database's, read with the role. */
  | (SignedIn & { familyActive: true; organisationId: string })
  /** Only for a policy with `ended: "allow"` and a revoked or expired sign-in. */
  | (SignedIn & { familyActive: false })
  | { ok: false; response: Response };

/**
 * The one authorization point of route handlers, with the route's policy as the argument
 * (edge/route-policies.ts): who is calling (401 with the gate's codes), from where (403 for a
 * cross-origin cookie request, or a token where only a browser session may act), whether
 * their sign-in still stands (revocation, expiry, IdP renewal: 401), and whether their current
 * role — the database's, not the token's — is at least the policy's (403). Every protected
 * handler calls it itself: the middleware is a first gate, not the only one (CVE-2025-29927).
 */
export async function requireUser(request: GuardedRequest, policy: SignedInPolicy): Promise<Guarded> {
  const access = await checkAccess(request, policy);
  return access.ok ? access : { ok: false, response: apiError(access.code, { message: access.message }) };
}

/** The guard's decision as data, before it is an HTTP answer (forward auth renders it as it needs). */
export type Access = Extract<Guarded, { ok: true }> | { ok: false; code: ApiErrorCode; message?: string };

/** requireUser's decision, with its metric and the caller noted on the request's log line. */
export async function checkAccess(request: GuardedRequest, policy: SignedInPolicy): Promise<Access> {
  const startedAt = performance.now();
  const access = await decide(request, policy);
  metrics.gateDecisionSeconds.observe({ outcome: access.ok ? "allowed" : String(API_ERRORS[access.code].status) }, (performance.now() - startedAt) / 1000);
  if (access.ok) noteUser(access.identity.userId);
  return access;
}

async function decide(request: GuardedRequest, policy: SignedInPolicy): Promise<Access> {
  const env = getEnv();
  const result = await authenticateRequest(request, await authenticationOptions(env));
  if (!result.ok) return { ok: false, code: result.code };
  const { identity, sessionClaims } = result;
  if (policy.session === "cookie" && identity.via !== "cookie") {
    return { ok: false, code: "forbidden", message: "This is done from a signed-in browser session, not with an API token." };
  }
  if (policy.sameOrigin && identity.via === "cookie" && !isSameOriginRequest(request, env.authUrl)) {
    return { ok: false, code: "forbidden", message: "Cross-origin request refused: use the console itself." };
  }
  const family = await checkFamily(getDb(), env, identity.familyId, { userId: identity.userId });
  if (!family.active) {
    if (policy.ended === "allow") return { ok: true, identity, familyActive: false, sessionClaims };
    return { ok: false, code: family.reason === "expired" ? "token_expired" : "token_revoked" };
  }
  // The role in a cookie or token is what it was when issued; the database's is current.
  const current = { ...identity, role: family.role };
  if (!roleSatisfies(current.role, policy.role)) {
    return { ok: false, code: "forbidden", message: `This needs the role ${policy.role} or higher; you have ${current.role}.` };
  }
  return { ok: true, identity: current, familyActive: true, organisationId: family.organisationId, sessionClaims };
}
