import { OPERATOR_ORGANISATION_ID } from "./operator-organisation";

/**
 * Whose users and audit events an administrator sees and changes: every organisation's for the
 * operator organisation's admins and `npm run users`, else their own organisation's alone.
 * Every admin read and write puts it into its where-clause, so a user of another organisation
 * is exactly as unknown as a user that does not exist (404 `not_found`, never 403: ids of
 * other organisations' users do not leak).
 */
export type AdminScope = { all: true } | { organisationId: string };

/** The operator's scope: the CLI's, and the operator organisation's admins'. */
export const EVERY_ORGANISATION: AdminScope = { all: true };

/** The scope of an admin of `organisationId` (the admin's own user row's). */
export function adminScopeOf(organisationId: string): AdminScope {
  return organisationId === OPERATOR_ORGANISATION_ID ? EVERY_ORGANISATION : { organisationId };
}

/**
 * The scope of the caller of an admin route, whose guard read the caller's organisation with
 * the role. Admin routes' policies never let an ended sign-in through (`ended: "allow"`), so
 * one here is a wrong policy, refused rather than given a scope.
 */
export function adminScopeOfCaller(caller: { familyActive: true; organisationId: string } | { familyActive: false }): AdminScope {
  if (!caller.familyActive) throw new Error("An admin route admitted an ended sign-in: its policy must not allow ended sessions.");
  return adminScopeOf(caller.organisationId);
}

/** The scope as a Prisma where-clause on a table with an organisationId (User, AuditEvent). */
export function inScope(scope: AdminScope): { organisationId?: string } {
  return "all" in scope ? {} : { organisationId: scope.organisationId };
}
