import { apiRoute } from "@/lib/http/api-route";
import { auditRequestOf } from "@/lib/audit/audit-request";
import { acceptLogoutToken } from "@/lib/sessions/backchannel-logout";
import { getDb } from "@/lib/db";
import { getEnv } from "@/lib/config/env";
import { withLimitedBody } from "@/lib/http/body-limit";
import { limitRequest } from "@/lib/rate-limits/limit-request";
import { apiError } from "@/lib/errors/api-errors";
import { NO_STORE } from "@/lib/http/no-store";

/** Back-Channel Logout §2.8: an OAuth error body, so `error_description` as well as our `message`. */
const logoutTokenRefused = (reason: string) => apiError("invalid_request", { message: reason, fields: { error_description: reason } });

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
    return logoutTokenRefused("logout_token is missing");
  }
  const outcome = await acceptLogoutToken(getDb(), env, logoutToken, auditRequestOf(request, env));
  if (!outcome.ok) return logoutTokenRefused(outcome.message);
  return new Response(null, { status: 200, headers: NO_STORE });
});
