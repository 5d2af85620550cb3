import "server-only";
import type { Db } from "../../db";
import type { Env } from "../../env";
import type { SessionIdentity } from "../edge/session-cookie";
import { getIdentityProvider } from "../sign-in/identity-provider";
import { revokeFamilies } from "./revocation";

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

/**
 * Ends the caller's sign-in (or, `everywhere`, every sign-in of the user) and every API token
 * created from it, and says where to send a browser to sign out of the IdP too. A sign-in that
 * already ended may still log out, but only itself: nothing is revoked on its word.
 */
export async function logOut(db: Db, env: Env, caller: { identity: SessionIdentity; familyActive: boolean }, everywhere: boolean): Promise<{ logoutUrl: string | null }> {
  const { identity } = caller;
  if (caller.familyActive) {
    await revokeFamilies(db, everywhere ? { userId: identity.userId } : { ids: [identity.familyId] }, everywhere ? "logout_everywhere" : "logout");
  }
  return { logoutUrl: identity.via === "cookie" ? await buildIdpLogoutUrl(env, await idTokenOfFamily(db, identity.familyId)) : null };
}
