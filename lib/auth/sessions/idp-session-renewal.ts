import "server-only";
import * as oauth from "oauth4webapi";
import type { Db } from "../../db";
import type { Env } from "../../env";
import { clientSecretBasic } from "../sign-in/client-authentication";
import { getIdentityProvider, type IdentityProvider } from "../sign-in/identity-provider";
import { getLogger } from "../../observability/logger";
import { revokeFamilies } from "./revocation";

/**
 * While one instance renews with the IdP, the others keep serving the session this long:
 * 30 s, or twice OIDC_HTTP_TIMEOUT_MS when that is longer, so that a slow IdP never sees one
 * refresh token twice.
 */
export function renewalLeaseMs(env: Pick<Env, "oidcHttpTimeoutMs">): number {
  return Math.max(30_000, 2 * env.oidcHttpTimeoutMs);
}

type TokenSet = { refresh_token?: string; expires_in?: number; id_token?: string };

/** The refresh_token grant at the IdP, authenticated as sign-in is (client-authentication.ts). */
export async function refreshAtIdp(env: Env, idp: IdentityProvider, refreshToken: string): Promise<TokenSet> {
  // Plain http only ever reaches here for a loopback issuer: lib/env.ts refuses others in production.
  const insecure = env.oidcIssuer.startsWith("http://");
  const as = (await idp.metadata()) as unknown as oauth.AuthorizationServer;
  const client: oauth.Client = { client_id: env.oidcClientId };
  const response = await oauth.refreshTokenGrantRequest(as, client, clientSecretBasic({ clientId: env.oidcClientId, clientSecret: env.oidcClientSecret }), refreshToken, {
    [oauth.allowInsecureRequests]: insecure,
    [oauth.customFetch]: idp.fetch,
  });
  return oauth.processRefreshTokenResponse(as, client, response);
}

/**
 * The IdP answered with an OAuth error saying this grant is over (RFC 6749 §5.2
 * `invalid_grant`: revoked, expired, or the user's IdP session ended). Anything else (an
 * outage page, a timeout, our own misconfiguration) is not the user's fault and must not
 * end their session.
 */
function isIdpRefusal(error: unknown): boolean {
  return error instanceof oauth.ResponseBodyError && error.error === "invalid_grant";
}

/**
 * Renews the IdP tokens behind a browser sign-in whose IdP access token has expired, keeping
 * whatever rotated refresh token the IdP returns. A conditional update takes a short lease so
 * that one instance renews while concurrent requests carry on. If the IdP refuses, the
 * sign-in is revoked (`idp_refresh_failed`); if it is unreachable, the session carries on and
 * renewal is retried after the lease.
 */
export async function renewIdpSession(
  db: Db,
  env: Env,
  familyId: string,
  family: { idpRefreshToken: string; idpAccessTokenExpiresAt: Date },
  { now = Date.now(), idp = getIdentityProvider(env) }: { now?: number; idp?: IdentityProvider } = {},
): Promise<boolean> {
  // The lease is conditional on the expiry we read: if another instance renewed meanwhile, it fails.
  const { count } = await db.tokenFamily.updateMany({
    where: { id: familyId, revokedAt: null, idpAccessTokenExpiresAt: family.idpAccessTokenExpiresAt },
    data: { idpAccessTokenExpiresAt: new Date(now + renewalLeaseMs(env)) },
  });
  if (count !== 1) return true;
  try {
    const tokens = await refreshAtIdp(env, idp, family.idpRefreshToken);
    await db.tokenFamily.update({
      where: { id: familyId },
      data: {
        idpRefreshToken: tokens.refresh_token ?? family.idpRefreshToken,
        idpAccessTokenExpiresAt: new Date(Date.now() + (tokens.expires_in ?? 3600) * 1000),
        ...(tokens.id_token ? { idToken: tokens.id_token } : {}),
      },
    });
    return true;
  } catch (error) {
    getLogger().warn({ event: "idp_renewal_failed", familyId, refused: isIdpRefusal(error), error: error instanceof Error ? error.message : String(error) });
    if (!isIdpRefusal(error)) return true;
    await revokeFamilies(db, { ids: [familyId] }, "idp_refresh_failed");
    return false;
  }
}
