import "server-only";
import type { Prisma } from "@prisma/client";
import type { Db } from "../db";
import { inScope, type AdminScope } from "../organisations/admin-scope";
import { encodeAuditCursor } from "./audit-cursor";
import type { AuditQuery } from "./audit-query";

export type AuditEventView = {
  id: string;
  createdAt: Date;
  actor: string;
  /** The actor's and the target's current email, when they are users that still exist, within the scope. */
  actorEmail: string | null;
  action: string;
  targetUserId: string | null;
  targetEmail: string | null;
  detail: Prisma.JsonValue;
  ipAddress: string | null;
  userAgent: string | null;
  requestId: string | null;
};

/** One page, newest first; `nextCursor` continues after its last event, null on the last page. */
export type AuditEventPage = { events: AuditEventView[]; nextCursor: string | null };

/** The user ids (or actors: "system", "cli") a `user` filter stands for: an email is looked up (within the scope), anything else is an id. */
async function userKeysOf(db: Db, scope: AdminScope, user: string): Promise<string[]> {
  if (!user.includes("@")) return [user];
  // One email may be a user in each of several organisations.
  const found = await db.user.findMany({ where: { email: user.toLowerCase(), ...inScope(scope) }, select: { id: true } });
  return found.map(({ id }) => id);
}

/**
 * The scope's audit trail, newest first, by keyset pagination on (createdAt, id) — the index
 * AuditEvent_createdAt_id_idx, or AuditEvent_organisationId_createdAt_id_idx for one
 * organisation's admins, who see its events only (the operator organisation's see every event,
 * and alone those of no organisation) — so the thousandth page costs what the first does, and
 * events written in the same millisecond keep one order (by id) across pages. The cursor condition is
 * spelled `createdAt <= c AND (createdAt < c OR id < i)`: its first half bounds the index scan,
 * which `createdAt < c OR (createdAt = c AND id < i)` alone would not.
 */
export async function listAuditEvents(db: Db, scope: AdminScope, query: AuditQuery): Promise<AuditEventPage> {
  const conditions: Prisma.AuditEventWhereInput[] = [inScope(scope)];
  if (query.user) {
    const keys = await userKeysOf(db, scope, query.user);
    if (keys.length === 0) return { events: [], nextCursor: null };
    conditions.push({ OR: [{ targetUserId: { in: keys } }, { actor: { in: keys } }] });
  }
  if (query.action) conditions.push({ action: query.action });
  if (query.from) conditions.push({ createdAt: { gte: query.from } });
  if (query.to) conditions.push({ createdAt: { lt: query.to } });
  if (query.cursor) {
    const { createdAt, id } = query.cursor;
    conditions.push({ createdAt: { lte: createdAt } }, { OR: [{ createdAt: { lt: createdAt } }, { id: { lt: id } }] });
  }
  const rows = await db.auditEvent.findMany({
    where: { AND: conditions },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: query.limit + 1,
  });
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  const emails = await emailsOf(db, scope, page.flatMap((event) => [event.actor, event.targetUserId ?? ""]));
  return {
    events: page.map((event) => ({
      id: event.id,
      createdAt: event.createdAt,
      actor: event.actor,
      actorEmail: emails.get(event.actor) ?? null,
      action: event.action,
      targetUserId: event.targetUserId,
      targetEmail: event.targetUserId ? (emails.get(event.targetUserId) ?? null) : null,
      detail: event.detail,
      ipAddress: event.ipAddress,
      userAgent: event.userAgent,
      requestId: event.requestId,
    })),
    nextCursor: rows.length > query.limit && last ? encodeAuditCursor(last) : null,
  };
}

/**
 * Current emails of the users among these ids, in one query (events keep ids, not emails).
 * Within the scope: an operator's admin who changed one of an organisation's users shows to
 * that organisation's admins by id, not by email.
 */
async function emailsOf(db: Db, scope: AdminScope, ids: string[]): Promise<Map<string, string>> {
  const userIds = [...new Set(ids.filter(Boolean))];
  if (userIds.length === 0) return new Map();
  const users = await db.user.findMany({ where: { id: { in: userIds }, ...inScope(scope) }, select: { id: true, email: true } });
  return new Map(users.flatMap((user) => (user.email ? [[user.id, user.email] as const] : [])));
}
