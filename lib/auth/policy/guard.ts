import type { NextRequest } from "next/server";
import { getDb } from "../../db";
import { getEnv } from "../../env";
import { authenticateRequest } from "../edge/authenticate-request";
import { authenticationOptions } from "../edge/authentication-options";
import { forbiddenResponse, unauthorizedResponse } from "../edge/errors";
import type { Role } from "../edge/roles";
import type { SessionIdentity } from "../edge/session-cookie";
import { checkFamily } from "../sessions/family-check";

export type Guarded = { ok: true; identity: SessionIdentity } | { ok: false; response: Response };

/**
 * Every protected route handler calls this itself: the middleware is a first gate, not
 * the only one (CVE-2025-29927 skipped Next middleware with a single request header).
 * Here, unlike the middleware, revocation is checked too.
 */
export async function requireUser(request: NextRequest): Promise<Guarded> {
  const env = getEnv();
  const result = await authenticateRequest(request, await authenticationOptions(env));
  if (!result.ok) return { ok: false, response: unauthorizedResponse(result.code) };
  const family = await checkFamily(getDb(), env, result.identity.familyId);
  if (!family.active) return { ok: false, response: unauthorizedResponse(family.reason === "expired" ? "token_expired" : "token_revoked") };
  // The role in a cookie or token is what it was when issued; the database's is current.
  return { ok: true, identity: { ...result.identity, role: family.role } };
}

/** requireUser, then 403 `forbidden` unless the caller has one of `roles`. */
export async function requireRole(request: NextRequest, roles: readonly Role[]): Promise<Guarded> {
  const guarded = await requireUser(request);
  if (guarded.ok && !roles.includes(guarded.identity.role)) {
    return { ok: false, response: forbiddenResponse(`This needs one of the roles: ${roles.join(", ")}.`) };
  }
  return guarded;
}
