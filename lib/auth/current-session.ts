import type { Session } from "next-auth";
import { cache } from "react";
import { getDb } from "../db";
import { auth } from "./index";
import { isFamilyActive } from "./token-families";

export type CurrentSession =
  | { status: "signed-in"; user: Session["user"] }
  | { status: "signed-out" }
  /** The cookie is valid but its sign-in was revoked (signed out elsewhere, at the IdP, disabled). */
  | { status: "ended" };

/** The page-side session: Auth.js's decoded cookie plus the revocation check, once per request. */
export const getCurrentSession = cache(async (): Promise<CurrentSession> => {
  const session = await auth();
  if (!session?.user?.id || !session.user.sid) return { status: "signed-out" };
  if (!(await isFamilyActive(getDb(), session.user.sid))) return { status: "ended" };
  return { status: "signed-in", user: session.user };
});
