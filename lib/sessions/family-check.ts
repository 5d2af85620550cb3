import "server-only";
import type { Db } from "../db";
import type { Env } from "../config/env";
import type { Role } from "../roles/roles";
import { renewIdpSession } from "./idp-session-renewal";
import { getFamilyState } from "./token-families";

/** `organisationId`: the user's organisation, read with the role (no query more). */
export type FamilyCheck = { active: true; role: Role; organisationId: string } | { active: false; reason: string | null };

/**
 * Revocation, expiry, the current role and IdP renewal, as every protected request and page
 * checks them (`reason` "expired" when the family is past its absolute end). `userId`: whom
 * the cookie or token names; a family of anyone else is refused (`wrong_user`), so a token
 * signed for one user can never ride on another's family.
 */
export async function checkFamily(db: Db, env: Env, familyId: string, options: { fresh?: boolean; userId?: string } = {}): Promise<FamilyCheck> {
  const state = await getFamilyState(db, familyId, Date.now(), options);
  if (state.status === "revoked") return { active: false, reason: state.reason };
  if (state.status === "expired") return { active: false, reason: "expired" };
  if (options.userId !== undefined && state.userId !== options.userId) return { active: false, reason: "wrong_user" };
  if (state.status === "renewal_due") {
    const renewal = await renewIdpSession(db, env, state.renewFamilyId, state);
    if (!renewal.ok) return { active: false, reason: renewal.code };
    // The IdP's mapping may just have changed the role: this request already gets the new one.
    if (renewal.role) return { active: true, role: renewal.role, organisationId: state.organisationId };
  }
  return { active: true, role: state.role, organisationId: state.organisationId };
}
