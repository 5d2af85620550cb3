import { auditRequestOf, type AuditRequest } from "../audit/audit-request";
import type { AuditActor } from "../audit/audit-events";
import type { Env } from "../config/env";
import { adminScopeOfCaller, type AdminScope } from "../organisations/admin-scope";

/**
 * Who changes users, within which scope, and from which request: the API and the console (an
 * admin, in their organisation or, the operator's, in all), or `npm run users` ("cli", all).
 */
export type UserAdminContext = {
  actor: AuditActor;
  scope: AdminScope;
  request?: AuditRequest;
};

/** The admin calling an admin route, as its guard answered (guardedRoute's caller). */
type AdminCaller = { identity: { userId: string } } & Parameters<typeof adminScopeOfCaller>[0];

/** The context of an administrator's API request: their scope, and the request for the audit trail. */
export function userAdminContextOf(request: Request, caller: AdminCaller, env: Env): UserAdminContext {
  return { actor: { userId: caller.identity.userId }, scope: adminScopeOfCaller(caller), request: auditRequestOf(request, env) };
}
