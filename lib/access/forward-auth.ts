import { apiErrorAnswer } from "../errors/api-errors";
import type { Answer } from "../answer";
import { isRole, roleSatisfies, type Role } from "../roles/roles";
import type { SessionIdentity } from "../credentials/session-cookie";
import { NO_STORE } from "../http/no-store";

/**
 * X-Auth-Email is the email exactly as it is, or empty: never encoded, so an upstream can never
 * read one person's email as another's (an encoded "a%40b" and a literal one look alike). An
 * email a header cannot carry as it is (not printable ASCII, e.g. an internationalised one) is
 * not sent: upstreams authorise on X-Auth-User-Id, and only show the email.
 */
function emailHeader(email: string | null): string {
  return email && /^[\x21-\x7e]+$/.test(email) ? email : "";
}

/**
 * The forward-auth answer (nginx auth_request, Traefik ForwardAuth): 204 with who the caller
 * is, for the proxy to pass upstream; 403 when `?role=` (one role, or several separated by
 * commas: any of them) asks for more than the caller has.
 */
export function forwardAuthAnswer(identity: SessionIdentity, requiredRoles: string | null): Answer {
  if (requiredRoles) {
    const required = requiredRoles.split(",").map((role) => role.trim());
    if (!required.every(isRole)) return apiErrorAnswer("invalid_request", { message: "role must be admin, campaign_manager or viewer (comma-separated for any of several)." });
    if (!(required as Role[]).some((role) => roleSatisfies(identity.role, role))) {
      return apiErrorAnswer("forbidden", { message: `This needs the role ${required.join(" or ")}; you have ${identity.role}.` });
    }
  }
  return {
    status: 204,
    headers: {
      "X-Auth-User-Id": identity.userId,
      "X-Auth-Email": emailHeader(identity.email),
      "X-Auth-Role": identity.role,
      ...NO_STORE,
    },
    body: null,
  };
}
