import "server-only";
import { randomUUID } from "node:crypto";
import { Prisma } from "@prisma/client";
import { applyScimPatch } from "./apply-scim-patch";
import { auditEventInsertFrom, recordAuditEvent, type AuditEventInput } from "../audit/audit-events";
import type { Db } from "../db";
import { isUniqueViolation } from "../unique-violation";
import { withAccessRevocation, type RevokeAccess } from "../sessions/revoke-access";
import type { Directory } from "../organisation-admin/directory-tokens";
import { scimUserInput, scimUserResource, type ScimUserInput, type ScimUserRow } from "./scim-user-resource";
import { userFilterWhere } from "./scim-user-filter";
import { scimList } from "./scim-list";
import type { ScimRefusal } from "./scim-response";

type Transaction = Prisma.TransactionClient;
type Request = AuditEventInput["request"];
type ScimOutcome<T> = { ok: true; value: T } | ScimRefusal;

const ROW = { id: true, scimUserName: true, scimExternalId: true, scimAttributes: true, disabledAt: true, createdAt: true, updatedAt: true, version: true, email: true } as const;

const actorOf = (directory: Directory) => `directory:${directory.tokenId}` as const;
const notFound: ScimRefusal = { ok: false, status: 404, detail: "No such user in this directory." };
const taken = (what: string): ScimRefusal => ({ ok: false, status: 409, detail: `Another user of this organisation already has this ${what}.`, scimType: "uniqueness" });

function columns(input: ScimUserInput) {
  return {
    scimUserName: input.userName,
    scimUserNameLower: input.userName.toLowerCase(),
    scimExternalId: input.externalId,
    scimAttributes: input.attributes as Prisma.InputJsonObject,
    email: input.email,
    name: input.displayName,
  };
}

/**
 * The directory's `active` applied to a user whose row this transaction has locked. Going
 * inactive disables the user and revokes every session and API token of theirs in the same
 * transaction, so no request is admitted with the user disabled and a session alive (other
 * instances within their family-check cache, 2 s by default). Active again enables the user;
 * the revoked sessions stay revoked: they sign in again.
 */
async function applyActive(tx: Transaction, revoke: RevokeAccess, directory: Directory, userId: string, wasActive: boolean, active: boolean, request: Request) {
  if (wasActive === active) return;
  const event = { actor: actorOf(directory), targetUserId: userId, organisationId: directory.organisationId, request };
  if (!active) {
    await tx.user.update({ where: { id: userId }, data: { disabledAt: new Date() } });
    const revoked = await revoke({ source: "directory", reason: "user_deprovisioned", match: { userId }, ...event });
    await recordAuditEvent(tx, { ...event, action: "scim_user_deprovisioned", detail: { revokedFamilies: revoked.length } });
  } else {
    await tx.user.update({ where: { id: userId }, data: { disabledAt: null } });
    await recordAuditEvent(tx, { ...event, action: "scim_user_reactivated" });
  }
}

/**
 * Runs `work` in a transaction that may deprovision (lib/sessions/revoke-access.ts); a unique
 * violation (a userName or email another user has) is a 409, as SCIM says.
 */
async function inTransaction<T>(db: Db, what: string, work: (tx: Transaction, revoke: RevokeAccess) => Promise<ScimOutcome<T>>): Promise<ScimOutcome<T>> {
  try {
    return await withAccessRevocation(db, Date.now(), work);
  } catch (error) {
    if (isUniqueViolation(error)) return taken(what);
    throw error;
  }
}

/**
 * POST /Users. A new user of the directory's organisation, or, when someone of the
 * organisation with that email signed in before being provisioned (not provisioned yet, no
 * other userName), that user: the directory takes them over (RFC 7644 leaves the rule to the
 * service; ours is written here once and in docs/scim.md). A userName the organisation already
 * has is a 409 `uniqueness`, as Okta expects before it links instead.
 */
export async function createScimUser(db: Db, directory: Directory, body: unknown, baseUrl: string, request?: Request): Promise<ScimOutcome<ReturnType<typeof scimUserResource>>> {
  const parsed = scimUserInput(body);
  if (!parsed.ok) return { ok: false, status: 400, detail: parsed.detail, scimType: parsed.scimType };
  const input = parsed.user;
  const { organisationId } = directory;
  const created = (row: ScimUserRow, via: "created" | "adopted") => ({
    actor: actorOf(directory),
    action: "scim_user_created" as const,
    targetUserId: row.id,
    organisationId,
    detail: { userName: input.userName, via, active: input.active },
    request,
  });
  // The common case (a directory's full sync) is one statement: the user, unless someone of the
  // organisation signed in with that email before being provisioned, and its event. A userName
  // or email the organisation has is refused by its unique index (409), with no read first; a
  // sign-in that makes the email's user meanwhile is a 409 too, and the directory's retry
  // takes that user over.
  const id = randomUUID();
  const now = new Date();
  const row = { id, ...columns(input), provisionedAt: now, disabledAt: input.active ? null : now, createdAt: now, updatedAt: now, version: 1 };
  let inserted: { created: number }[];
  try {
    inserted = await db.$queryRaw<{ created: number }[]>`
      WITH created AS (
        INSERT INTO "User" (id, "organisationId", email, name, "scimUserName", "scimUserNameLower", "scimExternalId", "scimAttributes", "provisionedAt", "disabledAt", "createdAt", "updatedAt", version)
        SELECT ${id}::text, ${organisationId}::text, ${row.email}::text, ${row.name}::text, ${row.scimUserName}::text, ${row.scimUserNameLower}::text, ${row.scimExternalId}::text,
          ${JSON.stringify(row.scimAttributes)}::jsonb, ${now}::timestamp(3), ${row.disabledAt}::timestamp(3), ${now}::timestamp(3), ${now}::timestamp(3), 1
        WHERE NOT EXISTS (SELECT 1 FROM "User" WHERE "organisationId" = ${organisationId}::text AND email = ${row.email}::text AND "scimUserNameLower" IS NULL)
        RETURNING id
      ), audited AS (${auditEventInsertFrom("created", created(row, "created"))})
      SELECT count(*)::int AS created FROM created`;
  } catch (error) {
    if (isUniqueViolation(error)) return taken("userName or email");
    throw error;
  }
  if (inserted[0]?.created === 1) return { ok: true, value: scimUserResource(row, baseUrl) };
  const [signedInBefore] = await db.$queryRaw<{ id: string }[]>`SELECT id FROM "User" WHERE "organisationId" = ${organisationId} AND email = ${input.email} AND "scimUserNameLower" IS NULL`;
  if (!signedInBefore) return taken("email");
  return inTransaction(db, "userName or email", async (tx, revoke) => {
    // Signed in before being provisioned: taken over, unless that changed since the read above.
    const locked = await tx.$queryRaw<{ id: string; disabledAt: Date | null }[]>`SELECT id, "disabledAt" FROM "User" WHERE id = ${signedInBefore.id} AND "scimUserNameLower" IS NULL FOR UPDATE`;
    if (locked.length === 0) return taken("email");
    await tx.user.update({ where: { id: signedInBefore.id }, data: { ...columns(input), provisionedAt: new Date(), version: { increment: 1 } } });
    await applyActive(tx, revoke, directory, signedInBefore.id, locked[0]!.disabledAt === null, input.active, request);
    const row = await tx.user.findUniqueOrThrow({ where: { id: signedInBefore.id }, select: ROW });
    await recordAuditEvent(tx, created(row, "adopted"));
    return { ok: true, value: scimUserResource(row, baseUrl) };
  });
}

/** The directory's user `id` locked for this transaction (FOR UPDATE): two PATCHes of one user apply one after the other. */
async function lockedUser(tx: Transaction, directory: Directory, id: string): Promise<(ScimUserRow & { email: string | null }) | null> {
  if (id.length > 64) return null;
  const locked = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "User" WHERE id = ${id} AND "organisationId" = ${directory.organisationId} AND "scimUserNameLower" IS NOT NULL FOR UPDATE`;
  if (locked.length === 0) return null;
  return tx.user.findUniqueOrThrow({ where: { id }, select: ROW });
}

async function replaceLocked(tx: Transaction, revoke: RevokeAccess, directory: Directory, row: ScimUserRow, input: ScimUserInput, baseUrl: string, request: Request) {
  await tx.user.update({ where: { id: row.id }, data: { ...columns(input), version: { increment: 1 } } });
  await recordAuditEvent(tx, { actor: actorOf(directory), action: "scim_user_changed", targetUserId: row.id, organisationId: directory.organisationId, detail: { userName: input.userName }, request });
  await applyActive(tx, revoke, directory, row.id, row.disabledAt === null, input.active, request);
  return scimUserResource(await tx.user.findUniqueOrThrow({ where: { id: row.id }, select: ROW }), baseUrl);
}

/** PUT /Users/:id: the resource replaced whole (Okta's wizard-built apps). */
export async function replaceScimUser(db: Db, directory: Directory, id: string, body: unknown, baseUrl: string, request?: Request): Promise<ScimOutcome<ReturnType<typeof scimUserResource>>> {
  const parsed = scimUserInput(body);
  if (!parsed.ok) return { ok: false, status: 400, detail: parsed.detail, scimType: parsed.scimType };
  return inTransaction(db, "userName or email", async (tx, revoke) => {
    const row = await lockedUser(tx, directory, id);
    if (!row) return notFound;
    return { ok: true, value: await replaceLocked(tx, revoke, directory, row, parsed.user, baseUrl, request) };
  });
}

/**
 * PATCH /Users/:id (RFC 7644 §3.5.2), applied by scim-patch to the resource as stored, then
 * kept as a PUT of the result would be: Okta's `{"op":"replace","value":{"active":false}}`
 * without a path, Entra ID's capitalised "Replace"/"Add", its `emails[type eq "work"].value`
 * paths and its "True"/"False" strings all come out as the same columns.
 */
export async function patchScimUser(db: Db, directory: Directory, id: string, body: unknown, baseUrl: string, request?: Request): Promise<ScimOutcome<ReturnType<typeof scimUserResource>>> {
  return inTransaction(db, "userName or email", async (tx, revoke) => {
    const row = await lockedUser(tx, directory, id);
    if (!row) return notFound;
    const applied = applyScimPatch(scimUserResource(row, baseUrl), body);
    if (!applied.ok) return applied;
    const parsed = scimUserInput(applied.patched);
    if (!parsed.ok) return { ok: false, status: 400, detail: parsed.detail, scimType: parsed.scimType };
    return { ok: true, value: await replaceLocked(tx, revoke, directory, row, parsed.user, baseUrl, request) };
  });
}

/**
 * DELETE /Users/:id: the user is deprovisioned (disabled, every session and API token revoked,
 * in one transaction) and no longer the directory's (its GET answers 404); the record stays,
 * disabled, for the audit trail.
 */
export async function deleteScimUser(db: Db, directory: Directory, id: string, request?: Request): Promise<ScimOutcome<null>> {
  return inTransaction(db, "userName", async (tx, revoke) => {
    const row = await lockedUser(tx, directory, id);
    if (!row) return notFound;
    await applyActive(tx, revoke, directory, row.id, row.disabledAt === null, false, request);
    // Already inactive or not, nothing of theirs outlives the deletion.
    if (row.disabledAt !== null) await revoke({ source: "directory", reason: "user_deprovisioned", match: { userId: row.id }, actor: actorOf(directory), organisationId: directory.organisationId, targetUserId: row.id, request });
    await tx.user.update({ where: { id: row.id }, data: { scimUserName: null, scimUserNameLower: null, scimExternalId: null, scimAttributes: Prisma.DbNull, provisionedAt: null, version: { increment: 1 } } });
    await recordAuditEvent(tx, { actor: actorOf(directory), action: "scim_user_deleted", targetUserId: row.id, organisationId: directory.organisationId, detail: { userName: row.scimUserName }, request });
    return { ok: true, value: null };
  });
}

/** The lower-case userName a `filter=userName eq "…"` (and nothing else) looks for, else null. */
function userNameOf(where: Prisma.UserWhereInput): string | null {
  const value = (where as { scimUserNameLower?: unknown }).scimUserNameLower;
  return Object.keys(where).length === 1 && typeof value === "string" ? value : null;
}

/** GET /Users/:id, the directory's users only. */
export async function getScimUser(db: Db, directory: Directory, id: string, baseUrl: string): Promise<ScimOutcome<ReturnType<typeof scimUserResource>>> {
  if (id.length > 64) return notFound;
  const row = await db.user.findFirst({ where: { id, organisationId: directory.organisationId, scimUserNameLower: { not: null } }, select: ROW });
  return row ? { ok: true, value: scimUserResource(row, baseUrl) } : notFound;
}

/**
 * GET /Users?filter=…&startIndex=…&count=… (RFC 7644 §3.4.2): the directory's users in a
 * stable order (by id), `startIndex` 1-based, `count` 100 by default and 200 at most.
 */
export async function listScimUsers(db: Db, directory: Directory, params: URLSearchParams, baseUrl: string): Promise<ScimOutcome<object>> {
  const filter = userFilterWhere(params.get("filter"));
  if (!filter.ok) return { ok: false, status: 400, detail: filter.detail, scimType: "invalidFilter" };
  const userName = userNameOf(filter.where);
  if (userName !== null) {
    // The lookup directories make before each create: at most one row (userName is unique in
    // the organisation), read once by one indexed statement; scimList pages it as any list.
    let matches: Promise<ScimUserRow[]> | undefined;
    const match = () =>
      (matches ??= db.$queryRaw<ScimUserRow[]>`
        SELECT id, "scimUserName", "scimExternalId", "scimAttributes", "disabledAt", "createdAt", "updatedAt", version
        FROM "User" WHERE "organisationId" = ${directory.organisationId} AND "scimUserNameLower" = ${userName} LIMIT 1`);
    const list = await scimList(params, { find: async (skip, take) => (await match()).slice(skip, skip + take), count: async () => (await match()).length }, (row) => scimUserResource(row, baseUrl));
    return { ok: true, value: list };
  }
  const where: Prisma.UserWhereInput = { AND: [{ organisationId: directory.organisationId, scimUserNameLower: { not: null } }, filter.where] };
  const list = await scimList(params, { find: (skip, take) => db.user.findMany({ where, select: ROW, orderBy: { id: "asc" }, skip, take }), count: () => db.user.count({ where }) }, (row) => scimUserResource(row, baseUrl));
  return { ok: true, value: list };
}
