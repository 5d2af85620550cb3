import "server-only";
import { randomUUID } from "node:crypto";
import { Prisma } from "@prisma/client";
import type { Db } from "../db";
import { getLogger } from "../observability/logger";

/** Every action the audit trail records, defined once (pages, API and tests use these). */
export const AUDIT_ACTIONS = [
  "sign_in_succeeded",
  "sign_in_refused",
  "sign_out",
  "sign_out_everywhere",
  "api_token_minted",
  "refresh_token_reused",
  /** Written before access_revoked took over every revocation (kept so older records show by name). */
  "backchannel_logout",
  "role_changed",
  "user_disabled",
  "user_enabled",
  /** Written before access_revoked took over every revocation (kept so older records show by name). */
  "sessions_revoked",
  /** Someone's sessions and API tokens ended, by lib/sessions/revoke-access.ts: `detail.source` says who asked. */
  "access_revoked",
  "organisation_created",
  "domain_added",
  "domain_verified",
  "domain_check_failed",
  "connection_added",
  "connection_disabled",
  "connection_enabled",
  "connection_changed",
  "setup_link_created",
  "setup_test_sign_in",
  "setup_completed",
  "directory_token_created",
  "directory_token_rotated",
  "directory_token_revoked",
  "scim_user_created",
  "scim_user_changed",
  "scim_user_deprovisioned",
  "scim_user_reactivated",
  "scim_user_deleted",
  "scim_group_changed",
  "directory_group_role_set",
  "signal_stream_added",
  "signal_stream_removed",
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/**
 * A user id, or the console itself ("system": sign-in, the IdP's mapping, back-channel), the
 * CLI, the holder of a setup link (who has no account yet: the link's id says which), or an
 * organisation's directory provisioning by SCIM (its token's id says which), or a connection's
 * Shared Signals transmitter (its stream's id says which).
 */
export type AuditActor = { userId: string } | "system" | "cli" | `setup-link:${string}` | `directory:${string}` | `signal-stream:${string}`;

/** How an actor is stored and shown: the user's id, or the actor's own name. */
export function auditActorId(actor: AuditActor): string {
  return typeof actor === "string" ? actor : actor.userId;
}

export type AuditEventInput = {
  actor: AuditActor;
  action: AuditAction;
  targetUserId?: string | null;
  /**
   * The organisation it belongs to, whose admins see it: the user's it is about, or the
   * organisation whose domain or connection changed. Null when none is known (a sign-in refused
   * before an IdP asserted anyone): only the operator organisation's admins see it. Required, so
   * that every caller decides.
   */
  organisationId: string | null;
  /** Old and new role, a reason code, a family id…: never a token, a code or claims. */
  detail?: Prisma.InputJsonObject;
  /** Who made the request: its client address, user agent and request id, when there was one. */
  request?: { ipAddress?: string | null; userAgent?: string | null; requestId?: string | null };
};

/** A Prisma client or a transaction: an event recorded inside a transaction commits or rolls back with it. */
type Writer = Pick<Db, "auditEvent">;

/**
 * Appends one event. Nothing else writes to AuditEvent except the prune job's retention, and
 * nothing updates a row (tests/unit/audit-append-only.test.ts). Callers decide what a failure
 * means: an administrator's change, and minting an API token, record their event in the same
 * transaction, so the action fails (503) if the event cannot be written; signing in or out,
 * back-channel logout and refresh-token reuse use recordAuditEventOrLog.
 */
export async function recordAuditEvent(db: Writer, event: AuditEventInput): Promise<void> {
  await auditEventWrite(db, event);
}

/**
 * recordAuditEvent's write as a Prisma promise not yet sent, for a batch transaction
 * (`db.$transaction([change, auditEventWrite(db, event)])`): one round of statements instead
 * of an interactive transaction's, on paths that write many rows (a directory's full sync).
 */
export function auditEventWrite(db: Writer, event: AuditEventInput) {
  return db.auditEvent.create({
    data: {
      actor: auditActorId(event.actor),
      action: event.action,
      targetUserId: event.targetUserId ?? null,
      organisationId: event.organisationId,
      detail: event.detail,
      ipAddress: event.request?.ipAddress?.slice(0, 64) ?? null,
      userAgent: event.request?.userAgent?.slice(0, 512) ?? null,
      requestId: event.request?.requestId?.slice(0, 128) ?? null,
    },
  });
}

/**
 * recordAuditEvent's row as SQL, `INSERT … SELECT … FROM source`: written only for a row of
 * `source` (a data-modifying CTE of the same statement), so a change and its event are one
 * statement and one round trip, atomic without a transaction (a directory's full sync).
 */
export function auditEventInsertFrom(source: string, event: AuditEventInput): Prisma.Sql {
  if (!/^[a-z_]+$/.test(source)) throw new Error(`not a CTE name: ${source}`);
  // createdAt as Prisma writes it (the app's clock, UTC), not the database's session time zone.
  return Prisma.sql`INSERT INTO "AuditEvent" (id, "createdAt", actor, action, "targetUserId", "organisationId", detail, "ipAddress", "userAgent", "requestId")
    SELECT ${randomUUID()}::text, ${new Date()}::timestamp(3), ${auditActorId(event.actor)}::text, ${event.action}::text, ${event.targetUserId ?? null}::text, ${event.organisationId}::text,
      ${event.detail === undefined ? null : JSON.stringify(event.detail)}::jsonb, ${event.request?.ipAddress?.slice(0, 64) ?? null}::text,
      ${event.request?.userAgent?.slice(0, 512) ?? null}::text, ${event.request?.requestId?.slice(0, 128) ?? null}::text
    FROM ${Prisma.raw(source)}`;
}

/**
 * For paths that must not fail because the audit trail is down (signing in, signing out,
 * back-channel logout): the event is attempted, and a failure is logged loudly with the event
 * (never a token) so an operator can reconstruct it, instead of refusing the person.
 */
export async function recordAuditEventOrLog(db: Writer, event: AuditEventInput): Promise<void> {
  try {
    await recordAuditEvent(db, event);
  } catch (error) {
    getLogger().error({
      event: "audit_event_lost",
      action: event.action,
      actor: auditActorId(event.actor),
      targetUserId: event.targetUserId ?? null,
      organisationId: event.organisationId,
      detail: event.detail ?? null,
      requestId: event.request?.requestId ?? null,
      error: error instanceof Error ? error.message : String(error),
    });
  }
}
