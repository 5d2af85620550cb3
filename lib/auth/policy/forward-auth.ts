import { forbiddenResponse } from "../edge/errors";
import { isRole, roleSatisfies, type Role } from "../edge/roles";
import type { SessionIdentity } from "../edge/session-cookie";

/** Header values are bytes: printable ASCII as is, anything else percent-encoded (RFC 3986). */
function headerSafe(value: string): string {
  return /^[\x20-\x7e]*$/.test(value) ? value : encodeURIComponent(value);
}

/**
 * The forward-auth answer (nginx auth_request, Traefik ForwardAuth): 204 with who the caller
 * is, for the proxy to pass upstream; 403 when `?role=` (one role, or several separated by
 * commas: any of them) asks for more than the caller has.
 */
export function forwardAuthResponse(identity: SessionIdentity, requiredRoles: string | null): Response {
  if (requiredRoles) {
    const required = requiredRoles.split(",").map((role) => role.trim());
    if (!required.every(isRole)) return Response.json(
      { error: "invalid_request", message: "role must be admin, campaign_manager or viewer (comma-separated for any of several)." },
      { status: 400, headers: { "Cache-Control": "no-store" } },
    );
    if (!(required as Role[]).some((role) => roleSatisfies(identity.role, role))) {
      return forbiddenResponse(`This needs the role ${required.join(" or ")}; you have ${identity.role}.`);
    }
  }
  return new Response(null, {
    status: 204,
    headers: {
      "X-Auth-User-Id": identity.userId,
      "X-Auth-Email": headerSafe(identity.email ?? ""),
      "X-Auth-Role": identity.role,
      "Cache-Control": "no-store",
    },
  });
}
