import type { AuditActor, AuditEventInput } from "../audit/audit-events";
import type { Env } from "../env";
import { requestOriginOf } from "../http/request-origin";

/** Who changes users, and from which request: the API and the console (a user), or `npm run users` ("cli"). */
export type UserAdminContext = {
  actor: AuditActor;
  request?: AuditEventInput["request"];
};

/** The context of an administrator's API request, for the audit trail. */
export function userAdminContextOf(request: { headers: Pick<Headers, "get"> }, adminUserId: string, env: Env): UserAdminContext {
  return { actor: { userId: adminUserId }, request: requestOriginOf(request.headers, env) };
}
