import "server-only";
import type { Prisma } from "@prisma/client";
import { recordAuditEvent, type AuditEventInput } from "../audit/audit-events";
import type { Db } from "../db";
import type { Env } from "../config/env";
import { findConnection } from "../organisations/find-connection";
import { ID_TOKEN_CLOCK_SKEW_SECONDS } from "../oidc/verify-id-token";
import type { RevocationReason } from "../sessions/revocation";
import { withAccessRevocation, type AccessRevocation, type RevokeAccess } from "../sessions/revoke-access";
import { peopleOfSubject } from "./people-of-subject";
import { recordReceipt } from "./replay";
import { isUniqueViolation } from "../unique-violation";
import {
  CAEP_SESSION_REVOKED,
  RISC_ACCOUNT_DISABLED,
  RISC_ACCOUNT_ENABLED,
  RISC_CREDENTIAL_CHANGE_REQUIRED,
  SET_MAX_AGE_SECONDS,
  verifySecurityEventToken,
  type SecurityEvent,
  type SetErrorCode,
} from "./security-event-token";
import { findSignalStream, type SignalStream } from "../organisation-admin/signal-streams";
import { signalStreamKeys } from "./signal-stream-keys";

/** What the receiver did: `ignored` an event it does not act on (or the stream's verification), `nobody` a subject no user here has. */
export type SetAction = "revoked" | "disabled" | "enabled" | "ignored" | "nobody";

export type SetOutcome = { ok: true; action: SetAction; users: number } | { ok: false; status: 400 | 404; err: SetErrorCode; description: string };

/** The events that end the person's sessions and API tokens, and why (the families' revokedReason). */
const ENDS_SESSIONS: Record<string, RevocationReason> = {
  [CAEP_SESSION_REVOKED]: "idp_session_revoked",
  [RISC_CREDENTIAL_CHANGE_REQUIRED]: "idp_credential_change_required",
};

/** What disables a user, on the audit trail: the latest of these says whose decision it is. */
const DISABLINGS = ["user_disabled", "scim_user_deprovisioned", "scim_user_deleted"];

const shortName = (type: string) => type.slice(type.lastIndexOf("/") + 1);

type Received = { stream: SignalStream; organisationId: string; event: SecurityEvent; userIds: string[]; request: AuditEventInput["request"] };

type Transaction = Prisma.TransactionClient;

/**
 * Acts on a verified event, in the transaction that records its jti: ending sessions, or
 * disabling with its revocation; enabling again only undoes a disabling this stream did (an
 * administrator's or the directory's stands).
 */
async function act(tx: Transaction, revoke: RevokeAccess, received: Received): Promise<SetAction> {
  const { stream, organisationId, event, userIds, request } = received;
  if (event.subject && userIds.length === 0) return "nobody";
  const actor = `signal-stream:${stream.id}` as const;
  const detail = { streamId: stream.id, event: shortName(event.type), subjectFormat: event.subject?.format ?? null };
  const revocation = (userId: string, reason: RevocationReason): AccessRevocation => ({ source: "shared_signals", reason, match: { userId }, actor, organisationId, targetUserId: userId, request, detail });
  const endsSessions = ENDS_SESSIONS[event.type];
  if (endsSessions) {
    for (const userId of userIds) await revoke(revocation(userId, endsSessions));
    return "revoked";
  }
  if (event.type === RISC_ACCOUNT_DISABLED) {
    for (const userId of userIds) {
      const disabled = await tx.user.updateMany({ where: { id: userId, disabledAt: null }, data: { disabledAt: new Date(), version: { increment: 1 } } });
      const revoked = await revoke(revocation(userId, "idp_account_disabled"));
      if (disabled.count > 0) await recordAuditEvent(tx, { actor, action: "user_disabled", targetUserId: userId, organisationId, detail: { ...detail, revokedFamilies: revoked.length }, request });
    }
    return "disabled";
  }
  if (event.type === RISC_ACCOUNT_ENABLED) {
    let enabled = 0;
    for (const userId of userIds) {
      const lastDisabling = await tx.auditEvent.findFirst({ where: { targetUserId: userId, action: { in: DISABLINGS } }, orderBy: [{ createdAt: "desc" }, { id: "desc" }], select: { actor: true } });
      if (lastDisabling?.actor !== actor) continue;
      const changed = await tx.user.updateMany({ where: { id: userId, disabledAt: { not: null } }, data: { disabledAt: null, version: { increment: 1 } } });
      if (changed.count === 0) continue;
      await recordAuditEvent(tx, { actor, action: "user_enabled", targetUserId: userId, organisationId, detail, request });
      enabled += 1;
    }
    return enabled > 0 ? "enabled" : "ignored";
  }
  return "ignored";
}

/**
 * RFC 8935 push delivery to a stream: the SET is verified (security-event-token.ts) with the
 * transmitter's keys, acted on once (its `jti` is kept SET_MAX_AGE_SECONDS, recorded with the
 * action or not at all, so a failed attempt may be retried), and answered 202, or 400 (404 for no
 * such stream) with `err` and `description`. `arrivedAt` is the request's arrival (time to revoke).
 */
export async function acceptSecurityEvent(db: Db, env: Env, streamId: string, token: string, request: AuditEventInput["request"], arrivedAt = Date.now()): Promise<SetOutcome> {
  const stream = await findSignalStream(db, streamId);
  if (!stream) return { ok: false, status: 404, err: "invalid_request", description: "no such Shared Signals stream" };
  // A disabled connection's people are still revoked: only a removed stream stops listening.
  const connection = await findConnection(db, env, stream.connectionId);
  if (!connection) return { ok: false, status: 404, err: "invalid_request", description: "the stream's connection no longer exists" };
  const verified = await verifySecurityEventToken(token, { issuer: stream.issuer, audience: stream.audience, keys: signalStreamKeys(stream, env) });
  if (!verified.ok) return { ...verified, status: 400 };
  const { event } = verified;
  let userIds: string[] = [];
  if (event.subject) {
    const people = await peopleOfSubject(db, connection, event.subject);
    if (!people.ok) return { ok: false, status: 400, err: "invalid_request", description: people.description };
    userIds = people.userIds;
  }
  const keptUntil = new Date(event.issuedAt.getTime() + (SET_MAX_AGE_SECONDS + 2 * ID_TOKEN_CLOCK_SKEW_SECONDS) * 1000);
  const received = { stream, organisationId: connection.organisationId, event, userIds, request };
  try {
    // Per stream: another organisation's stream naming the same issuer cannot spend this one's
    // jtis. Recorded in the action's transaction: acted on and recorded, or neither (a retry is
    // then acted on).
    const action = await withAccessRevocation(db, arrivedAt, async (tx, revoke) => {
      await recordReceipt(tx, `signal-stream:${stream.id}`, event.jti, keptUntil);
      return act(tx, revoke, received);
    });
    return { ok: true, action, users: userIds.length };
  } catch (error) {
    if (isUniqueViolation(error)) return { ok: false, status: 400, err: "invalid_request", description: "this SET's jti was already received" };
    throw error;
  }
}
