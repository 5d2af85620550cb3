import type { Db } from "../../db";
import type { Env } from "../../env";
import { getIdentityProvider } from "../sign-in/identity-provider";

/**
 * Where to send the browser so the IdP ends its session too (OpenID Connect RP-Initiated
 * Logout 1.0), or null when the IdP advertises no end_session_endpoint or cannot be reached.
 */
export async function buildIdpLogoutUrl(env: Env, idToken: string | null): Promise<string | null> {
  let url: URL;
  try {
    const endSession = (await getIdentityProvider(env).metadata()).end_session_endpoint;
    if (typeof endSession !== "string") return null;
    url = new URL(endSession);
  } catch {
    return null;
  }
  if (idToken) url.searchParams.set("id_token_hint", idToken);
  url.searchParams.set("client_id", env.oidcClientId);
  url.searchParams.set("post_logout_redirect_uri", `${env.authUrl}/`);
  return url.toString();
}

/** The ID token of the browser sign-in behind a family (an API family's parent). */
export async function idTokenOfFamily(db: Db, familyId: string): Promise<string | null> {
  const family = await db.tokenFamily.findUnique({
    where: { id: familyId },
    select: { idToken: true, parent: { select: { idToken: true } } },
  });
  return family?.idToken ?? family?.parent?.idToken ?? null;
}
