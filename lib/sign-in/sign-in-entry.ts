import "server-only";
import { getDb } from "../db";
import { hasOrganisationConnections } from "../organisations/home-realm";
import { safeCallbackPath } from "../http/callback-url";

/**
 * Where a "Sign in" button leads: straight to the environment's IdP while it is the only
 * sign-in (a deployment with one organisation behaves as before organisations), else to the
 * sign-in page's email step. If the database cannot say, the sign-in page decides.
 */
export async function signInEntryPath(callbackUrl: string | string[] | undefined): Promise<string> {
  const target = safeCallbackPath(Array.isArray(callbackUrl) ? callbackUrl[0] : callbackUrl, "http://localhost");
  const emailStep = await hasOrganisationConnections(getDb()).catch(() => true);
  return `${emailStep ? "/signin" : "/api/auth/login"}?${new URLSearchParams({ callbackUrl: target })}`;
}
