import "server-only";
import * as oauth from "oauth4webapi";
import type { Db } from "../../db";
import type { Env } from "../../env";
import { clientSecretBasic } from "../sign-in/client-authentication";
import { getIdentityProvider, type IdentityProvider } from "../sign-in/identity-provider";
import { getLogger } from "../../observability/logger";
import { metrics } from "../../observability/metrics";
import { revokeFamilies } from "./revocation";

/**
 * While one instance renews with the IdP, the others keep serving the session this long:
 * 30 s, or twice OIDC_HTTP_TIMEOUT_MS when that is longer, so that a slow IdP never sees one
 * refresh token twice. It is also how often a failing renewal is tried again.
 */
export function renewalLeaseMs(env: Pick<Env, "oidcHttpTimeoutMs">): number {
  return Math.max(30_000, 2 * env.oidcHttpTimeoutMs);
}

/**
 * How long the IdP may keep rejecting a renewal (a 4xx other than `invalid_grant`, such as
 * `invalid_client` after a secret rotation, or an answer that is not a valid renewal) before the
 * sign-in ends (`idp_refresh_rejected`). Long enough for an operator to fix a configuration
 * mistake without signing everyone out, short enough that a refusal at the IdP is never ignored.
 */
export const IDP_RENEWAL_REJECTED_GRACE_MS = 5 * 60 * 1000;

/** Why a renewal ended a sign-in (lib/auth/sessions/revocation.ts). */
export type RenewalEnd = "idp_refresh_failed" | "idp_refresh_rejected";
export type RenewalResult = { ok: true } | { ok: false; reason: RenewalEnd };

/**
 * How a renewal failed:
 * - `refused`: the IdP says the grant is over (RFC 6749 §5.2 `invalid_grant`: revoked, expired,
 *   or the user's IdP session ended). The sign-in ends at once.
 * - `rejected`: the IdP answered, and not with a renewal: any other 4xx (`invalid_client`,
 *   `unauthorized_client`, a 401 without an OAuth body…) or a 2xx that is not a valid token
 *   response. Ends the sign-in once it has lasted IDP_RENEWAL_REJECTED_GRACE_MS.
 * - `unavailable`: no answer (network, timeout), a 5xx, or a 408/429 "try later". An outage is not
 *   the user's fault: the session carries on and renewal is retried after the lease, forever.
 */
export class RenewalFailure extends Error {
  constructor(
    readonly kind: "refused" | "rejected" | "unavailable",
    /** A bounded label: an RFC 6749 error code, `http_NNN`, `timeout`, `network`, `bad_response`. */
    readonly reason: string,
    readonly status?: number,
  ) {
    super(`IdP renewal ${kind}: ${reason}`);
    this.name = "RenewalFailure";
  }
}

// RFC 6749 §5.2: any other `error` an IdP sends is counted by its HTTP status (bounded labels).
const OAUTH_ERRORS = new Set(["invalid_request", "invalid_client", "invalid_grant", "unauthorized_client", "unsupported_grant_type", "invalid_scope"]);

async function oauthErrorOf(response: Response): Promise<string | undefined> {
  const body: unknown = await response.clone().json().catch(() => undefined);
  const error = typeof body === "object" && body !== null ? (body as Record<string, unknown>).error : undefined;
  return typeof error === "string" && OAUTH_ERRORS.has(error) ? error : undefined;
}

type TokenSet = { refresh_token?: string; expires_in?: number; id_token?: string };

/**
 * The refresh_token grant at the IdP, authenticated as sign-in is (client-authentication.ts).
 * Every failure is thrown as a RenewalFailure saying whose it is.
 */
export async function refreshAtIdp(env: Env, idp: IdentityProvider, refreshToken: string): Promise<TokenSet> {
  // Plain http only ever reaches here for a loopback issuer: lib/env.ts refuses others in production.
  const insecure = env.oidcIssuer.startsWith("http://");
  const client: oauth.Client = { client_id: env.oidcClientId };
  let as: oauth.AuthorizationServer;
  let response: Response;
  try {
    as = (await idp.metadata()) as unknown as oauth.AuthorizationServer;
    response = await oauth.refreshTokenGrantRequest(as, client, clientSecretBasic({ clientId: env.oidcClientId, clientSecret: env.oidcClientSecret }), refreshToken, {
      [oauth.allowInsecureRequests]: insecure,
      [oauth.customFetch]: idp.fetch,
    });
  } catch (error) {
    throw new RenewalFailure("unavailable", error instanceof Error && error.name === "TimeoutError" ? "timeout" : "network");
  }
  const { status } = response;
  if (status >= 500 || status === 408 || status === 429) throw new RenewalFailure("unavailable", `http_${status}`, status);
  if (status !== 200) {
    const error = await oauthErrorOf(response);
    throw new RenewalFailure(error === "invalid_grant" ? "refused" : "rejected", error ?? `http_${status}`, status);
  }
  try {
    return await oauth.processRefreshTokenResponse(as, client, response);
  } catch {
    throw new RenewalFailure("rejected", "bad_response", status);
  }
}

/**
 * Renews the IdP tokens behind a browser sign-in whose IdP access token has expired, keeping
 * whatever rotated refresh token the IdP returns. A conditional update takes a short lease so
 * that one instance renews while concurrent requests carry on; a failed renewal is tried again
 * when the lease runs out. The sign-in ends (with every API token created from it) when the IdP
 * refuses the grant (`idp_refresh_failed`), or keeps rejecting renewal for
 * IDP_RENEWAL_REJECTED_GRACE_MS (`idp_refresh_rejected`); an unreachable IdP never ends it.
 * Every failure is one log line (`idp_renewal_failed`) and every attempt is counted
 * (`vsa_idp_renewals_total`).
 */
export async function renewIdpSession(
  db: Db,
  env: Env,
  familyId: string,
  family: { idpRefreshToken: string; idpAccessTokenExpiresAt: Date },
  { now = Date.now(), idp = getIdentityProvider(env) }: { now?: number; idp?: IdentityProvider } = {},
): Promise<RenewalResult> {
  // The lease is conditional on the expiry we read: if another instance renewed meanwhile, it fails.
  const [leased] = await db.tokenFamily.updateManyAndReturn({
    where: { id: familyId, revokedAt: null, idpAccessTokenExpiresAt: family.idpAccessTokenExpiresAt },
    data: { idpAccessTokenExpiresAt: new Date(now + renewalLeaseMs(env)) },
    select: { idpRenewalFailingSince: true },
  });
  if (!leased) return { ok: true };
  let tokens: TokenSet;
  try {
    tokens = await refreshAtIdp(env, idp, family.idpRefreshToken);
  } catch (error) {
    const failure = error instanceof RenewalFailure ? error : new RenewalFailure("rejected", "bad_response");
    return renewalFailed(db, familyId, failure, leased.idpRenewalFailingSince, now);
  }
  await db.tokenFamily.update({
    where: { id: familyId },
    data: {
      idpRefreshToken: tokens.refresh_token ?? family.idpRefreshToken,
      idpAccessTokenExpiresAt: new Date(Date.now() + (tokens.expires_in ?? 3600) * 1000),
      idpRenewalFailingSince: null,
      ...(tokens.id_token ? { idToken: tokens.id_token } : {}),
    },
  });
  metrics.idpRenewals.inc({ outcome: "renewed", reason: "" });
  return { ok: true };
}

/** Records a failed renewal: ends the sign-in when that is the rule, else remembers since when it fails. */
async function renewalFailed(db: Db, familyId: string, failure: RenewalFailure, failingSince: Date | null, now: number): Promise<RenewalResult> {
  const since = failingSince?.getTime() ?? now;
  let ended: RenewalEnd | null = null;
  if (failure.kind === "refused") ended = "idp_refresh_failed";
  else if (failure.kind === "rejected" && now - since >= IDP_RENEWAL_REJECTED_GRACE_MS) ended = "idp_refresh_rejected";
  if (ended) await revokeFamilies(db, { ids: [familyId] }, ended);
  else if (failure.kind === "rejected" && !failingSince) await db.tokenFamily.update({ where: { id: familyId }, data: { idpRenewalFailingSince: new Date(now) } });
  metrics.idpRenewals.inc({ outcome: failure.kind, reason: failure.reason });
  getLogger().warn({
    event: "idp_renewal_failed",
    familyId,
    outcome: failure.kind,
    reason: failure.reason,
    status: failure.status ?? null,
    failingSince: failure.kind === "rejected" ? new Date(since).toISOString() : null,
    ended,
  });
  return ended ? { ok: false, reason: ended } : { ok: true };
}
