import { apiRoute } from "@/lib/http/api-route";
import { auditRequestOf } from "@/lib/audit/audit-request";
import { acceptLogoutToken } from "@/lib/sessions/backchannel-logout";
import { getDb } from "@/lib/db";
import { getEnv } from "@/lib/config/env";
import { withLimitedBody } from "@/lib/http/body-limit";
import { limitRequest } from "@/lib/rate-limits/limit-request";

const noStore = { "Cache-Control": "no-store" };

/** OpenID Connect Back-Channel Logout 1.0: the IdP tells us a session of its ended. */
export const POST = apiRoute(async (request: Request) => {
  const env = getEnv();
  const refusal = await limitRequest(request, "backchannelLogout", env);
  if (refusal) return refusal;
  const limited = await withLimitedBody(request);
  if (!limited.ok) return limited.response;
  const form = await limited.request.formData().catch(() => null);
  const logoutToken = form?.get("logout_token");
  if (typeof logoutToken !== "string" || !logoutToken) {
    return Response.json({ error: "invalid_request", error_description: "logout_token is missing" }, { status: 400, headers: noStore });
  }
  const outcome = await acceptLogoutToken(getDb(), env, logoutToken, auditRequestOf(request, env));
  if (!outcome.ok) return Response.json({ error: "invalid_request", error_description: outcome.reason }, { status: 400, headers: noStore });
  return new Response(null, { status: 200, headers: noStore });
});
