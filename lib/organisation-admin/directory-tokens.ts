import "server-only";
import { randomBytes } from "node:crypto";
import { hashOpaqueToken } from "../opaque-token-hash";
import { auditActorId, recordAuditEvent } from "../audit/audit-events";
import type { Db } from "../db";
import { ExpiringCache } from "../expiring-cache";
import type { AdminContext, AdminOutcome } from "./organisation-admin";

/** Recognisable in a secret scanner and in a log line that should not hold it, and unlike any JWT. */
const PREFIX = "vsa_scim_";
const TOKEN_SHAPE = /^vsa_scim_[A-Za-z0-9_-]{43}$/;
const MAX_OVERLAP_HOURS = 7 * 24;


function newToken(): string {
  return `${PREFIX}${randomBytes(32).toString("base64url")}`;
}

/**
 * A bearer token for an organisation's directory (Entra ID's or Okta's provisioning), answered
 * once and kept as its SHA-256: it opens that organisation's /scim/v2 and no other route.
 */
export async function createDirectoryToken(db: Db, organisationId: string, name: string, context: AdminContext): Promise<AdminOutcome<{ id: string; token: string }>> {
  const label = name.trim();
  if (label.length === 0 || label.length > 100) return { ok: false, code: "invalid_request", message: "a directory token's name is 1 to 100 characters, e.g. \"Entra ID provisioning\"" };
  const token = newToken();
  const createdBy = auditActorId(context.actor);
  const row = await db.$transaction(async (tx) => {
    const created = await tx.directoryToken.create({ data: { organisationId, tokenHash: hashOpaqueToken(token), name: label, createdBy }, select: { id: true } });
    await recordAuditEvent(tx, { actor: context.actor, action: "directory_token_created", organisationId, detail: { organisationId, directoryTokenId: created.id, name: label }, request: context.request });
    return created;
  });
  return { ok: true, value: { id: row.id, token } };
}

/**
 * A new token in place of `tokenId`, which keeps working `overlapHours` more (0: it ends now),
 * so the directory's configuration can be changed without a failed provisioning cycle.
 */
export async function rotateDirectoryToken(db: Db, organisationId: string, tokenId: string, overlapHours: number, context: AdminContext): Promise<AdminOutcome<{ id: string; token: string; previousExpiresAt: Date }>> {
  if (!Number.isInteger(overlapHours) || overlapHours < 0 || overlapHours > MAX_OVERLAP_HOURS) return { ok: false, code: "invalid_request", message: `the overlap is 0 to ${MAX_OVERLAP_HOURS} whole hours` };
  const old = await db.directoryToken.findFirst({ where: { id: tokenId, organisationId, OR: [{ expiresAt: null }, { expiresAt: { gt: new Date() } }] }, select: { name: true } });
  if (!old) return { ok: false, code: "directory_token_not_found", message: "no such active directory token in this organisation" };
  const token = newToken();
  const previousExpiresAt = new Date(Date.now() + overlapHours * 3600_000);
  const createdBy = auditActorId(context.actor);
  const row = await db.$transaction(async (tx) => {
    await tx.directoryToken.update({ where: { id: tokenId }, data: { expiresAt: previousExpiresAt } });
    directories.clear();
    const created = await tx.directoryToken.create({ data: { organisationId, tokenHash: hashOpaqueToken(token), name: old.name, createdBy }, select: { id: true } });
    const detail = { organisationId, directoryTokenId: created.id, previousDirectoryTokenId: tokenId, previousExpiresAt: previousExpiresAt.toISOString() };
    await recordAuditEvent(tx, { actor: context.actor, action: "directory_token_rotated", organisationId, detail, request: context.request });
    return created;
  });
  directories.clear();
  return { ok: true, value: { id: row.id, token, previousExpiresAt } };
}

/** Ends a directory token now: its next SCIM request is refused. */
export async function revokeDirectoryToken(db: Db, organisationId: string, tokenId: string, context: AdminContext): Promise<AdminOutcome<{ id: string }>> {
  const outcome = await db.$transaction(async (tx) => {
    const now = new Date();
    const ended = await tx.directoryToken.updateMany({ where: { id: tokenId, organisationId, OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] }, data: { expiresAt: now } });
    if (ended.count === 0) return { ok: false as const, code: "directory_token_not_found", message: "no such active directory token in this organisation" };
    directories.clear();
    await recordAuditEvent(tx, { actor: context.actor, action: "directory_token_revoked", organisationId, detail: { organisationId, directoryTokenId: tokenId }, request: context.request });
    return { ok: true as const, value: { id: tokenId } };
  });
  // Again after the commit: an answer cached while the transaction ran would outlive it.
  directories.clear();
  return outcome;
}

/** An organisation's directory tokens as its admins see them: never the token (it was shown once). */
export function listDirectoryTokens(db: Db, organisationId: string) {
  return db.directoryToken.findMany({ where: { organisationId }, select: { id: true, name: true, createdAt: true, createdBy: true, expiresAt: true, lastUsedAt: true }, orderBy: { createdAt: "asc" } });
}

export type Directory = { organisationId: string; tokenId: string };

/**
 * A directory's full sync sends thousands of requests with one token: each instance keeps the
 * answer for its token's hash for 2 s (as the family check keeps its verdicts), so a revoked or
 * rotated-out token is refused by every instance within 2 s, by this one at once.
 */
const DIRECTORY_CACHE_MS = 2_000;
const directories = new ExpiringCache<{ directory: Directory; expiresAtMs: number | null } | null>(1_000);

export async function authenticateDirectory(db: Db, authorization: string | null): Promise<Directory | null> {
  const match = /^Bearer +(\S+)$/i.exec(authorization ?? "");
  if (!match || !TOKEN_SHAPE.test(match[1]!)) return null;
  const hash = hashOpaqueToken(match[1]!);
  const nowMs = Date.now();
  let known = directories.get(hash, nowMs);
  if (known === undefined) {
    const row = await db.directoryToken.findUnique({ where: { tokenHash: hash }, select: { id: true, organisationId: true, expiresAt: true, lastUsedAt: true } });
    known = row ? { directory: { organisationId: row.organisationId, tokenId: row.id }, expiresAtMs: row.expiresAt?.getTime() ?? null } : null;
    directories.set(hash, known, nowMs + DIRECTORY_CACHE_MS, nowMs);
    // Its last use, noted at most once per cache period.
    if (row && (!row.lastUsedAt || nowMs - row.lastUsedAt.getTime() > 60_000)) await db.directoryToken.update({ where: { id: row.id }, data: { lastUsedAt: new Date(nowMs) } });
  }
  if (!known || (known.expiresAtMs !== null && known.expiresAtMs <= nowMs)) return null;
  return known.directory;
}
