import type { IdentityProvider } from "./identity-provider";
import { SignInRefusal } from "../errors/sign-in-failures";
import { verifyIdToken } from "./verify-id-token";

/**
 * Auth.js's `token.conform` hook: sees the token endpoint's answer before Auth.js reads it,
 * and refuses the sign-in unless its ID token verifies in full (verify-id-token.ts).
 * oauth4webapi checks the claims but not the signature (OpenID Connect Core §3.1.3.7 (6)
 * allows that only over TLS straight from the token endpoint), so this is where a token
 * signed by a key the IdP never published is stopped — before any user row is written.
 * An OAuth error answer is left to oauth4webapi, which reads it.
 */
export async function checkTokenResponse(response: Response, idp: IdentityProvider, clientId: string): Promise<undefined> {
  if (!response.ok) return undefined;
  const body: unknown = await response.json().catch(() => undefined);
  if (typeof body !== "object" || body === null) return undefined;
  const { id_token: idToken, access_token: accessToken } = body as Record<string, unknown>;
  if (typeof idToken !== "string") throw new SignInRefusal({ code: "invalid_id_token", reason: "missing" });
  const { issuer } = await idp.metadata();
  await verifyIdToken(idToken, {
    issuer,
    clientId,
    keys: await idp.keys(),
    algorithms: await idp.signingAlgorithms(),
    accessToken: typeof accessToken === "string" ? accessToken : undefined,
  });
  return undefined;
}
