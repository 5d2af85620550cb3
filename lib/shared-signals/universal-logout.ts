import "server-only";
import { errors, jwtVerify } from "jose";
import type { AuditEventInput } from "../audit/audit-events";
import type { Db } from "../db";
import type { Env } from "../config/env";
import { identityProviderOf } from "../oidc/identity-provider";
import { ID_TOKEN_CLOCK_SKEW_SECONDS } from "../oidc/verify-id-token";
import { findConnection } from "../organisations/find-connection";
import { withAccessRevocation } from "../sessions/revoke-access";
import { universalLogoutEndpoint } from "../organisation-admin/signal-streams";
import { peopleOfSubject } from "./people-of-subject";
import { recordReceipt } from "./replay";
import { isUniqueViolation } from "../unique-violation";
import { subjectIdentifierOf } from "./subject-identifier";

/** How old the request's JWT may be (Okta signs each request as it sends it). */
const MAX_AGE_SECONDS = 5 * 60;

/**
 * Okta's answers: 204 done; 400 a malformed request; 401 the JWT refused; 404 no such
 * connection, or nobody here by that subject.
 */
export type UniversalLogoutOutcome =
  | { ok: true; users: number }
  | { ok: false; status: 400 | 404; error: "invalid_request" | "not_found"; description: string }
  | { ok: false; status: 401; error: "invalid_token"; description: string };

const unauthorized = (description: string): UniversalLogoutOutcome => ({ ok: false, status: 401, error: "invalid_token", description });

function jwtRefusal(error: unknown): UniversalLogoutOutcome {
  if (error instanceof errors.JWTClaimValidationFailed) return unauthorized(`the JWT's ${error.claim} claim is invalid (${error.reason})`);
  if (error instanceof errors.JWTExpired) return unauthorized("the JWT has expired");
  if (error instanceof errors.JWKSNoMatchingKey) return unauthorized("the JWT's kid is not among the identity provider's published keys");
  if (error instanceof errors.JWKSMultipleMatchingKeys) return unauthorized("the JWT names no kid and several published keys fit");
  if (error instanceof errors.JWSSignatureVerificationFailed) return unauthorized("the JWT's signature does not verify with the identity provider's keys");
  if (error instanceof errors.JOSEAlgNotAllowed) return unauthorized("the JWT is not signed with an algorithm the identity provider advertises");
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) return unauthorized("the Authorization header holds no signed JWT");
  if (error instanceof errors.JOSENotSupported) return unauthorized("the JWT's key or algorithm is not supported");
  throw error;
}

/**
 * Okta's Universal Logout (global token revocation, draft-parecki-oauth-global-token-revocation):
 * the connection's IdP signs a JWT (Authorization: Bearer) with one of its published keys, for
 * this endpoint (`aud`), with `iat`, `exp` and a `jti` used once, and names the person in the
 * body's `sub_id` (RFC 9493). Every session and API token of theirs ends, through the one
 * revocation path; `arrivedAt` is the request's arrival (time to revoke).
 */
export async function acceptUniversalLogout(
  db: Db,
  env: Env,
  connectionId: string,
  authorization: string | null,
  body: unknown,
  request: AuditEventInput["request"],
  arrivedAt = Date.now(),
): Promise<UniversalLogoutOutcome> {
  const connection = await findConnection(db, env, connectionId);
  if (!connection) return { ok: false, status: 404, error: "not_found", description: "no such connection" };
  const bearer = /^Bearer\s+([A-Za-z0-9._~+/=-]+)\s*$/i.exec(authorization ?? "")?.[1];
  if (!bearer) return unauthorized("send the identity provider's signed JWT as Authorization: Bearer");
  const idp = identityProviderOf(connection, env);
  let payload;
  try {
    ({ payload } = await jwtVerify(bearer, await idp.keys(), {
      issuer: (await idp.metadata()).issuer,
      audience: universalLogoutEndpoint(env.authUrl, connection.id),
      algorithms: await idp.signingAlgorithms(),
      requiredClaims: ["iat", "exp", "jti"],
      maxTokenAge: MAX_AGE_SECONDS,
      clockTolerance: ID_TOKEN_CLOCK_SKEW_SECONDS,
    }));
  } catch (error) {
    return jwtRefusal(error);
  }
  const subject = subjectIdentifierOf((body as { sub_id?: unknown } | null)?.sub_id);
  if (!subject.ok) return { ok: false, status: 400, error: "invalid_request", description: `sub_id: ${subject.description}` };
  const people = await peopleOfSubject(db, connection, subject.subject);
  if (!people.ok) return { ok: false, status: 400, error: "invalid_request", description: people.description };
  const jti = payload.jti;
  if (typeof jti !== "string" || jti.length === 0 || jti.length > 256) return unauthorized("the JWT's jti must be a string of 1 to 256 characters");
  if (people.userIds.length === 0) return { ok: false, status: 404, error: "not_found", description: "nobody of this connection's organisation has that subject" };
  try {
    await withAccessRevocation(db, arrivedAt, async (tx, revoke) => {
      // Recorded with the revocation, or not at all: a replay fails on the key, a failure may be retried.
      await recordReceipt(tx, `universal-logout:${connection.id}`, jti, new Date((payload.exp! + ID_TOKEN_CLOCK_SKEW_SECONDS) * 1000));
      for (const userId of people.userIds) {
        await revoke({
          source: "universal_logout",
          reason: "universal_logout",
          match: { userId },
          actor: "system",
          organisationId: connection.organisationId,
          targetUserId: userId,
          request,
          detail: { connectionId: connection.id, subjectFormat: subject.subject.format },
        });
      }
    });
    return { ok: true, users: people.userIds.length };
  } catch (error) {
    if (isUniqueViolation(error)) return unauthorized("this JWT's jti was already used");
    throw error;
  }
}
