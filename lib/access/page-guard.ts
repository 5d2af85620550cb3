import "server-only";
import { forbidden, redirect } from "next/navigation";
import { showServiceUnavailable } from "../http/service-unavailable";
import { roleSatisfies, type Role } from "../roles/roles";
import type { SignInFailureCode } from "../errors/sign-in-failures";
import { getCurrentSession, type PageUser } from "./current-session";

/** What the sign-in page says about a session that ended for these reasons (sign-in-failures.ts); any other: session_ended. */
const SESSION_END_PAGES = new Map<string | null, SignInFailureCode>([
  ["idp_refresh_failed", "idp_renewal_failed"],
  ["idp_refresh_rejected", "idp_renewal_rejected"],
  ["expired", "session_expired"],
  ["user_disabled", "account_disabled"],
  ["user_deprovisioned", "account_disabled"],
]);

/**
 * The pages' and server actions' authorization point, with the policy as the argument, as
 * requireUser is for route handlers: a signed-out visitor goes to sign in (and comes back to
 * `path`), an ended session says why, an outage shows the 503 page, and a signed-in person
 * below `role` gets the 403 page. The role is the database's, read with the session check.
 */
export async function requirePageUser(path: string, policy: { role: Role }): Promise<PageUser> {
  const session = await getCurrentSession();
  if (session.status === "unavailable") showServiceUnavailable(path);
  // `path` is one of the app's own page paths, written in code: safe in a URL as it is.
  if (session.status === "ended") {
    const error = SESSION_END_PAGES.get(session.reason) ?? "session_ended";
    redirect(`/signin?error=${error}&callbackUrl=${path}`);
  }
  if (session.status !== "signed-in") redirect(`/signin?callbackUrl=${path}`);
  if (!roleSatisfies(session.user.role, policy.role)) forbidden();
  return session.user;
}
