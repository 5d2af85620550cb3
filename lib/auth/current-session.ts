import type { Session } from "next-auth";
import { cache } from "react";
import { getDb } from "../db";
import { auth } from "./index";
import { getEnv } from "../env";
import { checkFamily } from "./idp-session-renewal";

export type CurrentSession =
  | { status: "signed-in"; user: Session["user"] }
  | { status: "signed-out" }
  /** The cookie is valid but its sign-in was revoked (signed out elsewhere, at the IdP, disabled). */
  | { status: "ended"; reason: string | null };

/** The page-side session: Auth.js's decoded cookie plus the revocation check, once per request. */
export const getCurrentSession = cache(async (): Promise<CurrentSession> => {
  const session = await auth();
  if (!session?.user?.id || !session.user.sid) return { status: "signed-out" };
  const check = await checkFamily(getDb(), getEnv(), session.user.sid);
  if (!check.active) return { status: "ended", reason: check.reason };
  return { status: "signed-in", user: { ...session.user, role: check.role } };
});
