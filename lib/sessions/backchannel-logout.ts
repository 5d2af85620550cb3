import "server-only";
import { Prisma } from "@prisma/client";
import { decodeJwt, errors, jwtVerify, type JWTVerifyGetKey } from "jose";
import type { AuditRequest } from "../audit/audit-request";
import type { Db } from "../db";
import type { Env } from "../config/env";
import { identityProviderOf } from "../oidc/identity-provider";
import { findConnectionByIssuer } from "../organisations/find-connection";
import { ID_TOKEN_CLOCK_SKEW_SECONDS } from "../oidc/verify-id-token";
import { revokeAccess } from "./revoke-access";

const BACKCHANNEL_LOGOUT_EVENT = "http://schemas.openid.net/event/backchannel-logout";

export type LogoutTokenVerification = { ok: true; sub?: string; sid?: string; jti: string; expiresAt: Date } | { ok: false; message: string };

/** Messages for the IdP's operator (the response body): what was wrong, never the token. */
function reasonOf(error: unknown): string {
  if (error instanceof errors.JWKSMultipleMatchingKeys) return "the logout token names no kid and several published keys fit";
  if (error instanceof errors.JWKSNoMatchingKey) return "the logout token's kid is not published by the identity provider";
  if (error instanceof errors.JOSEError) return `the logout token could not be verified (${error.code})`;
  return "the logout token could not be verified";
}

/**
 * OpenID Connect Back-Channel Logout 1.0 §2.6: a JWT signed by our IdP (a published key, an
 * asymmetric algorithm it advertises; without `kid`, only when one key fits, as at sign-in),
 * from our issuer, for our client, with `iat`, `exp`, `jti`, the back-channel logout event, a
 * `sub` and/or `sid`, no `nonce`, and `typ` logout+jwt when a `typ` is given.
 */
export async function verifyLogoutToken(
  token: string,
  options: { issuer: string; clientId: string; keys: JWTVerifyGetKey; algorithms: string[] },
): Promise<LogoutTokenVerification> {
  let verified;
  try {
    verified = await jwtVerify(token, options.keys, {
      issuer: options.issuer,
      audience: options.clientId,
      algorithms: options.algorithms,
      requiredClaims: ["iat", "exp", "jti"],
      maxTokenAge: "5 minutes",
      clockTolerance: ID_TOKEN_CLOCK_SKEW_SECONDS,
    });
  } catch (error) {
    return { ok: false, message: reasonOf(error) };
  }
  const { payload, protectedHeader } = verified;
  const typ = protectedHeader.typ?.toLowerCase();
  if (typ !== undefined && typ !== "logout+jwt" && typ !== "application/logout+jwt") return { ok: false, message: "the logout token's typ is not logout+jwt" };
  const events = payload.events as Record<string, unknown> | undefined;
  const event = events?.[BACKCHANNEL_LOGOUT_EVENT];
  if (typeof event !== "object" || event === null) return { ok: false, message: "the back-channel logout event is missing" };
  if ("nonce" in payload) return { ok: false, message: "a logout token must not contain a nonce" };
  const sub = typeof payload.sub === "string" ? payload.sub : undefined;
  const sid = typeof payload.sid === "string" ? payload.sid : undefined;
  if (!sub && !sid) return { ok: false, message: "the logout token names neither sub nor sid" };
  return { ok: true, sub, sid, jti: String(payload.jti), expiresAt: new Date(payload.exp! * 1000) };
}

export type BackchannelLogoutOutcome = { ok: true; revoked: number } | { ok: false; message: string };

/**
 * Whose IdP session a logout token names, when nothing of theirs was left to end (they had
 * signed out here first): the audit trail still says whose it was.
 */
async function personOfLogoutToken(db: Db, connectionId: string, verified: Extract<LogoutTokenVerification, { ok: true }>): Promise<string | null> {
  const named = [...(verified.sid ? [{ idpSessionId: verified.sid }] : []), ...(verified.sub ? [{ idpSubject: verified.sub }] : [])];
  const known = await db.tokenFamily.findFirst({ where: { connectionId, OR: named }, orderBy: { createdAt: "desc" }, select: { userId: true } }).catch(() => null);
  return known?.userId ?? null;
}

export type VerifiedLogoutToken = Extract<LogoutTokenVerification, { ok: true }> & { connectionId: string; organisationId: string };

/**
 * Ends what a verified logout token names, through the one revocation path: on the audit trail,
 * one access_revoked event per person concerned, with the IdP's sid and sub (never the token).
 */
export async function endSessionsOfLogoutToken(db: Db, verified: VerifiedLogoutToken, request: AuditRequest, arrivedAt: number) {
  return revokeAccess(db, arrivedAt, {
    source: "backchannel_logout",
    reason: "backchannel_logout",
    match: { connectionId: verified.connectionId, idpSessionId: verified.sid, idpSubject: verified.sub },
    actor: "system",
    // A connection signs people into its own organisation only.
    organisationId: verified.organisationId,
    targetUserId: await personOfLogoutToken(db, verified.connectionId, verified),
    request,
    detail: { connectionId: verified.connectionId, idpSessionId: verified.sid ?? null, idpSubject: verified.sub ?? null },
  });
}

/** The connection whose IdP the (not yet verified) logout token says it comes from, by its iss and aud. */
async function connectionOfLogoutToken(db: Db, env: Env, token: string) {
  let claims;
  try {
    claims = decodeJwt(token);
  } catch {
    return null;
  }
  const audience = typeof claims.aud === "string" ? [claims.aud] : Array.isArray(claims.aud) ? claims.aud.filter((aud: unknown): aud is string => typeof aud === "string") : [];
  if (typeof claims.iss !== "string" || audience.length === 0) return null;
  return findConnectionByIssuer(db, env, claims.iss, audience);
}

/**
 * Acts on a verified logout token once: its `jti` is recorded until the token's `exp`, so a
 * replayed token is refused instead of acted on again. The record is undone if revoking
 * fails, so the IdP may retry. `request` is the IdP's call, for the audit trail; `arrivedAt`
 * its arrival (time to revoke).
 */
export async function acceptLogoutToken(db: Db, env: Env, token: string, request: AuditRequest = {}, arrivedAt = Date.now()): Promise<BackchannelLogoutOutcome> {
  const connection = await connectionOfLogoutToken(db, env, token);
  if (!connection) return { ok: false, message: "the logout token's iss and aud name no connection of this console" };
  const idp = identityProviderOf(connection, env);
  const verified = await verifyLogoutToken(token, {
    // The issuer exactly as the IdP writes it in its tokens (OIDC_ISSUER may differ by a "/").
    issuer: (await idp.metadata()).issuer,
    clientId: connection.clientId,
    keys: await idp.keys(),
    algorithms: await idp.signingAlgorithms(),
  });
  if (!verified.ok) return verified;
  try {
    await db.backchannelLogoutToken.create({ data: { jti: verified.jti, expiresAt: verified.expiresAt } });
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") return { ok: false, message: "the logout token was already used" };
    throw error;
  }
  let revoked;
  try {
    revoked = await endSessionsOfLogoutToken(db, { ...verified, connectionId: connection.id, organisationId: connection.organisationId }, request, arrivedAt);
  } catch (error) {
    await db.backchannelLogoutToken.delete({ where: { jti: verified.jti } }).catch(() => undefined);
    throw error;
  }
  return { ok: true, revoked: revoked.length };
}
