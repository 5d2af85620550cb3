import { auditRequestOf, type AuditRequest } from "../audit/audit-request";
import type { AuditActor } from "../audit/audit-events";
import type { Env } from "../config/env";

/** Who changes users, and from which request: the API and the console (a user), or `npm run users` ("cli"). */
export type UserAdminContext = {
  actor: AuditActor;
  request?: AuditRequest;
};

/** The context of an administrator's API request, for the audit trail. */
export function userAdminContextOf(request: Request, adminUserId: string, env: Env): UserAdminContext {
  return { actor: { userId: adminUserId }, request: auditRequestOf(request, env) };
}
