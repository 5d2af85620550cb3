import "server-only";
import type { Session } from "next-auth";
import { cookies } from "next/headers";
import { cache } from "react";
import { getDb } from "../db";
import { getLogger } from "../observability/logger";
import { getEnv } from "../config/env";
import { authenticateRequest } from "../credentials/authenticate-request";
import { authenticationOptions } from "../credentials/authentication-options";
import { checkFamily, type FamilyCheck } from "../sessions/family-check";

export type CurrentSession =
  /**
   * `expiresAt`: seconds since the epoch, the earlier of the cookie's expiry and its absolute end.
   * `user.organisationId`: the database's, read with the role.
   */
  | { status: "signed-in"; user: PageUser; expiresAt: number }
  | { status: "signed-out" }
  /** The cookie was ours but its sign-in ended: revoked (signed out elsewhere, at the IdP, disabled) or past its lifetime. */
  | { status: "ended"; reason: string | null }
  /** The database could not be asked: a valid cookie that is neither known good nor known ended. */
  | { status: "unavailable" };

/** The signed-in person as pages see them. */
export type PageUser = Session["user"] & { organisationId: string };

// Pages are for browsers: only the session cookie counts, never an Authorization header.
const NO_HEADERS = new Headers();

/**
 * The page-side session, decided exactly as the API decides it (the same cookie
 * verification, absolute lifetime, revocation check and current role), once per request.
 * It never re-issues the cookie: only the middleware slides sessions. It never throws for an
 * outage either: a database it cannot reach makes the session "unavailable".
 */
export const getCurrentSession = cache(async (): Promise<CurrentSession> => {
  const env = getEnv();
  const result = await authenticateRequest({ headers: NO_HEADERS, cookies: await cookies() }, await authenticationOptions(env));
  if (!result.ok) return result.code === "token_expired" ? { status: "ended", reason: "expired" } : { status: "signed-out" };
  const { identity } = result;
  let check: FamilyCheck;
  try {
    check = await checkFamily(getDb(), env, identity.familyId, { userId: identity.userId });
  } catch (error) {
    // The pages decide what an outage looks like (lib/http/service-unavailable.ts); the header
    // and the sign-in pages still render. Only the message is logged: it never holds a token.
    getLogger().error({ event: "page_session_unavailable", error: error instanceof Error ? error.message : String(error) });
    return { status: "unavailable" };
  }
  if (!check.active) return { status: "ended", reason: check.reason };
  return {
    status: "signed-in",
    user: { id: identity.userId, familyId: identity.familyId, role: check.role, organisationId: check.organisationId, name: identity.name, email: identity.email },
    expiresAt: identity.expiresAt,
  };
});
