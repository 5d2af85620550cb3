import "server-only";
import { decodeJwt, type JWTPayload } from "jose";
import * as oauth from "oauth4webapi";
import type { Db } from "../db";
import type { Env } from "../config/env";
import { applyIdpMappedRole } from "../users/upsert-user-from-oidc-profile";
import type { Role } from "../roles/roles";
import { clientSecretBasic } from "../oidc/client-authentication";
import { identityProviderOf, type IdentityProvider, type IdpClient } from "../oidc/identity-provider";
import { findConnection } from "../organisations/find-connection";
import { signInRoleRules } from "../users/sign-in-role-rules";
import { SignInRefusal } from "../errors/sign-in-failures";
import { verifyIdToken } from "../oidc/verify-id-token";
import { getLogger } from "../observability/logger";
import { metrics } from "../observability/metrics";
import { revokeFamilies } from "./revocation";
import { clearFamilyStateCache } from "./token-families";

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

/** Why a renewal ended a sign-in (lib/sessions/revocation.ts). */
export type RenewalEnd = "idp_refresh_failed" | "idp_refresh_rejected";
/** `role`: the user's role after the renewal applied the IdP's mapping, when it did. */
export type RenewalResult = { ok: true; role?: Role } | { ok: false; code: RenewalEnd };

/**
 * How a renewal failed:
 * - `refused`: the IdP says the grant is over (RFC 6749 §5.2 `invalid_grant`: revoked, expired,
 *   or the user's IdP session ended). The sign-in ends at once.
 * - `rejected`: the IdP answered, and not with a renewal: any other 4xx (`invalid_client`,
 *   `unauthorized_client`, a 401 without an OAuth body…), a 2xx that is not a valid token
 *   response, or an ID token that fails verification (`id_token_*`). Ends the sign-in once it
 *   has lasted IDP_RENEWAL_REJECTED_GRACE_MS.
 * - `unavailable`: no answer (network, timeout), a 5xx, or a 408/429 "try later". An outage is not
 *   the user's fault: the session carries on and renewal is retried after the lease, forever.
 */
export class RenewalFailure extends Error {
  constructor(
    readonly kind: "refused" | "rejected" | "unavailable",
    /** A bounded label: an RFC 6749 error code, `http_NNN`, `timeout`, `network`, `bad_response`. */
    readonly reason: string,
    readonly status?: number,
    /** A refresh token the IdP rotated in an answer that was refused anyway: the old one is spent. */
    readonly rotatedRefreshToken?: string,
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

type TokenSet = { access_token?: string; refresh_token?: string; expires_in?: number; id_token?: string };

/** What the renewed ID token must match: the sign-in's subject, and its last ID token. */
type SignInIdentity = { idpSubject: string | null; idToken: string | null };

function claimsOf(idToken: string | null): JWTPayload | undefined {
  if (!idToken) return undefined;
  try {
    return decodeJwt(idToken);
  } catch {
    return undefined;
  }
}

/**
 * A renewed ID token, verified in full as at sign-in (verify-id-token.ts: signature with a key
 * the IdP publishes, iss, aud, azp, exp, iat) and held to OpenID Connect Core §12.2: the same
 * `sub` as the sign-in's, and the sign-in's `nonce` and `auth_time` when it carries them. Answers
 * its claims; a token that fails is a rejection (`id_token_<reason>`), keys the IdP fails to
 * serve an outage (`jwks`).
 */
export async function verifyRenewedIdToken(client: Pick<IdpClient, "clientId">, idp: IdentityProvider, idToken: string, signIn: SignInIdentity, accessToken?: string): Promise<JWTPayload> {
  let claims: JWTPayload;
  try {
    claims = await verifyIdToken(idToken, {
      issuer: (await idp.metadata()).issuer,
      clientId: client.clientId,
      keys: await idp.keys(),
      algorithms: await idp.signingAlgorithms(),
      accessToken,
      requireNonce: false,
    });
  } catch (error) {
    if (error instanceof SignInRefusal) throw new RenewalFailure("rejected", `id_token_${error.failure.reason ?? "invalid"}`, 200);
    throw new RenewalFailure("unavailable", "jwks");
  }
  if (claims.sub !== signIn.idpSubject) throw new RenewalFailure("rejected", "id_token_subject", 200);
  const previous = claimsOf(signIn.idToken);
  if (previous && claims.nonce !== undefined && claims.nonce !== previous.nonce) throw new RenewalFailure("rejected", "id_token_nonce", 200);
  if (previous?.auth_time !== undefined && claims.auth_time !== undefined && claims.auth_time !== previous.auth_time) {
    throw new RenewalFailure("rejected", "id_token_auth_time", 200);
  }
  return claims;
}

/**
 * The refresh_token grant at the IdP, authenticated as sign-in is (client-authentication.ts),
 * with the ID token it returns verified (verifyRenewedIdToken) before anything of the answer is
 * read, as at sign-in; `claims` are its claims. Every failure is thrown as a RenewalFailure
 * saying whose it is.
 */
export async function refreshAtIdp(connection: IdpClient, idp: IdentityProvider, refreshToken: string, signIn: SignInIdentity): Promise<{ tokens: TokenSet; claims?: JWTPayload }> {
  // Plain http only ever reaches here for a loopback issuer: lib/config/env.ts and the
  // connection checks (idp-discovery-check.ts) refuse any other.
  const insecure = connection.issuer.startsWith("http://");
  const client: oauth.Client = { client_id: connection.clientId };
  let as: oauth.AuthorizationServer;
  let response: Response;
  try {
    as = (await idp.metadata()) as unknown as oauth.AuthorizationServer;
    response = await oauth.refreshTokenGrantRequest(as, client, clientSecretBasic({ clientId: connection.clientId, clientSecret: connection.clientSecret }), refreshToken, {
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
  const body: unknown = await response.clone().json().catch(() => undefined);
  const { id_token: idToken, access_token: accessToken, refresh_token: rotated } = typeof body === "object" && body !== null ? (body as Record<string, unknown>) : {};
  let claims: JWTPayload | undefined;
  if (typeof idToken === "string") {
    try {
      claims = await verifyRenewedIdToken(connection, idp, idToken, signIn, typeof accessToken === "string" ? accessToken : undefined);
    } catch (error) {
      // The IdP spent the refresh token it was sent: keep the one it rotated in, for the next attempt.
      if (error instanceof RenewalFailure && typeof rotated === "string") throw new RenewalFailure(error.kind, error.reason, error.status, rotated);
      throw error;
    }
  }
  try {
    return { tokens: await oauth.processRefreshTokenResponse(as, client, response), claims };
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
 * (`vsa_idp_renewals_total`). A renewed ID token is verified (verifyRenewedIdToken) and, when
 * roles come from the IdP, its claims set the user's role as a sign-in does, on the audit trail.
 */
export async function renewIdpSession(
  db: Db,
  env: Env,
  familyId: string,
  family: { idpRefreshToken: string; idpAccessTokenExpiresAt: Date },
  options: { now?: number; idp?: IdentityProvider } = {},
): Promise<RenewalResult> {
  const now = options.now ?? Date.now();
  // The lease is conditional on the expiry we read: if another instance renewed meanwhile, it fails.
  const [leased] = await db.tokenFamily.updateManyAndReturn({
    where: { id: familyId, revokedAt: null, idpAccessTokenExpiresAt: family.idpAccessTokenExpiresAt },
    data: { idpAccessTokenExpiresAt: new Date(now + renewalLeaseMs(env)) },
    select: { idpRenewalFailingSince: true, idpSubject: true, idToken: true, userId: true, connectionId: true },
  });
  if (!leased) return { ok: true };
  // Renewed with the IdP it was signed in through (a disabled connection's sessions still
  // renew: they end only when an admin ends them). A connection deleted since cannot renew it.
  let connection;
  try {
    connection = await findConnection(db, env, leased.connectionId);
  } catch {
    // Its client secret cannot be opened (CONNECTION_SECRET_KEY): the operator's to fix, not a reason to end anyone's session.
    return renewalFailed(db, familyId, new RenewalFailure("unavailable", "connection_secret"), leased.idpRenewalFailingSince, now);
  }
  if (!connection) return renewalFailed(db, familyId, new RenewalFailure("refused", "connection_gone"), leased.idpRenewalFailingSince, now);
  const idp = options.idp ?? identityProviderOf(connection, env);
  let tokens: TokenSet;
  let claims: JWTPayload | undefined;
  try {
    ({ tokens, claims } = await refreshAtIdp(connection, idp, family.idpRefreshToken, leased));
  } catch (error) {
    const failure = error instanceof RenewalFailure ? error : new RenewalFailure("rejected", "bad_response");
    return renewalFailed(db, familyId, failure, leased.idpRenewalFailingSince, now);
  }
  const mappedRole = claims && connection.idpRoleMapping ? signInRoleRules(connection, claims).idpRole : null;
  const data = {
    idpRefreshToken: tokens.refresh_token ?? family.idpRefreshToken,
    idpAccessTokenExpiresAt: new Date(Date.now() + (tokens.expires_in ?? 3600) * 1000),
    idpRenewalFailingSince: null,
    ...(tokens.id_token ? { idToken: tokens.id_token } : {}),
  };
  let role: Role | undefined;
  if (mappedRole) {
    // The renewal and the role it sets commit together, the role change with its audit event.
    const { from, to } = await db.$transaction(async (tx) => {
      // The user's row first, as every transaction that changes a user and their families does
      // (change-user.ts, the sign-in): one lock order, no deadlock.
      await tx.$queryRaw`SELECT 1 FROM "User" WHERE id = ${leased.userId} FOR UPDATE`;
      await tx.tokenFamily.update({ where: { id: familyId }, data });
      const user = await tx.user.findUniqueOrThrow({ where: { id: leased.userId } });
      return { from: user.role, to: (await applyIdpMappedRole(tx, user, mappedRole)).role };
    });
    role = to;
    // A new role applies to the user's other sessions and tokens too: this instance forgets its
    // cached verdicts now, the others within FAMILY_STATE_CACHE_MS (as change-user.ts does).
    if (from !== to) clearFamilyStateCache();
  } else {
    await db.tokenFamily.update({ where: { id: familyId }, data });
  }
  metrics.idpRenewals.inc({ outcome: "renewed", reason: "" });
  return { ok: true, ...(role ? { role } : {}) };
}

/** Records a failed renewal: ends the sign-in when that is the rule, else remembers since when it fails. */
async function renewalFailed(db: Db, familyId: string, failure: RenewalFailure, failingSince: Date | null, now: number): Promise<RenewalResult> {
  const since = failingSince?.getTime() ?? now;
  let ended: RenewalEnd | null = null;
  if (failure.kind === "refused") ended = "idp_refresh_failed";
  else if (failure.kind === "rejected" && now - since >= IDP_RENEWAL_REJECTED_GRACE_MS) ended = "idp_refresh_rejected";
  if (ended) {
    await revokeFamilies(db, { ids: [familyId] }, ended);
  } else {
    const data = {
      // The IdP spent the old refresh token: the next attempt can only use the new one.
      ...(failure.rotatedRefreshToken ? { idpRefreshToken: failure.rotatedRefreshToken } : {}),
      ...(failure.kind === "rejected" && !failingSince ? { idpRenewalFailingSince: new Date(now) } : {}),
    };
    if (Object.keys(data).length > 0) await db.tokenFamily.update({ where: { id: familyId }, data });
  }
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
  return ended ? { ok: false, code: ended } : { ok: true };
}
