import { apiRoute } from "@/lib/api-route";
import { verifyLogoutToken } from "@/lib/auth/backchannel-logout";
import { getIdpJwks, getIdpMetadata } from "@/lib/auth/oidc-discovery";
import { revokeFamilies } from "@/lib/auth/token-families";
import { getDb } from "@/lib/db";
import { getEnv } from "@/lib/env";

const noStore = { "Cache-Control": "no-store" };

/** OpenID Connect Back-Channel Logout 1.0: the IdP tells us a session of its ended. */
export const POST = apiRoute(async (request: Request) => {
  const env = getEnv();
  const form = await request.formData().catch(() => null);
  const logoutToken = form?.get("logout_token");
  if (typeof logoutToken !== "string" || !logoutToken) {
    return Response.json({ error: "invalid_request", error_description: "logout_token is missing" }, { status: 400, headers: noStore });
  }
  let keys, issuer;
  try {
    keys = await getIdpJwks(env.oidcIssuer);
    // The issuer exactly as the IdP writes it in its tokens (OIDC_ISSUER may differ by a "/").
    issuer = (await getIdpMetadata(env.oidcIssuer)).issuer;
  } catch {
    return Response.json({ error: "temporarily_unavailable", error_description: "the identity provider's keys could not be fetched" }, { status: 503, headers: noStore });
  }
  const verified = await verifyLogoutToken(logoutToken, { issuer, clientId: env.oidcClientId, keys });
  if (!verified.ok) return Response.json({ error: "invalid_request", error_description: verified.reason }, { status: 400, headers: noStore });
  await revokeFamilies(getDb(), { idpSessionId: verified.sid, idpSubject: verified.sub }, "backchannel_logout");
  return new Response(null, { status: 200, headers: noStore });
});
