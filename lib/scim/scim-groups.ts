import "server-only";
import type { Prisma } from "@prisma/client";
import { applyScimPatch } from "./apply-scim-patch";
import { recordAuditEvent, type AuditEventInput } from "../audit/audit-events";
import type { Db } from "../db";
import type { Directory } from "../organisation-admin/directory-tokens";
import { clearFamilyStateCache } from "../sessions/token-families";
import { isUniqueViolation } from "../unique-violation";
import { applyGroupRoles } from "../users/directory-group-roles";
import { filterWhere, type FilterAttributes } from "./scim-filter";
import { scimList } from "./scim-list";
import { scimGroupInput, scimGroupResource, type ScimGroupInput } from "./scim-group-resource";
import type { ScimRefusal } from "./scim-response";

type Transaction = Prisma.TransactionClient;
type Request = AuditEventInput["request"];
type ScimOutcome<T> = { ok: true; value: T } | ScimRefusal;

const ROW = { id: true, displayName: true, externalId: true, createdAt: true, updatedAt: true, version: true, members: { select: { userId: true }, orderBy: { userId: "asc" } } } as const;
const notFound: ScimRefusal = { ok: false, status: 404, detail: "No such group in this directory." };
const actorOf = (directory: Directory) => `directory:${directory.tokenId}` as const;

const GROUP_ATTRIBUTES: FilterAttributes<Prisma.DirectoryGroupWhereInput> = {
  displayname: (value) => (typeof value === "string" ? { displayNameLower: value.toLowerCase() } : "displayName is compared with a string."),
  externalid: (value) => (typeof value === "string" ? { externalId: value } : "externalId is compared with a string."),
};

async function inTransaction<T>(db: Db, work: (tx: Transaction) => Promise<ScimOutcome<T>>): Promise<ScimOutcome<T>> {
  try {
    return await db.$transaction(work);
  } catch (error) {
    if (isUniqueViolation(error)) return { ok: false, status: 409, detail: "The organisation's directory already has a group with this displayName.", scimType: "uniqueness" };
    throw error;
  } finally {
    // A membership change may have changed roles, which ride with the family check.
    clearFamilyStateCache();
  }
}

/**
 * Sets a group's name and members (only the organisation's provisioned users: another
 * organisation's user id is no member here), then the roles of everyone who joined or left.
 */
async function writeGroup(tx: Transaction, directory: Directory, groupId: string, input: ScimGroupInput, before: readonly string[], request: Request) {
  const members = input.memberIds.length === 0 ? [] : await tx.user.findMany({ where: { id: { in: input.memberIds }, organisationId: directory.organisationId, scimUserNameLower: { not: null } }, select: { id: true } });
  const after = new Set(members.map((member) => member.id));
  const left = before.filter((id) => !after.has(id));
  const joined = [...after].filter((id) => !before.includes(id));
  await tx.directoryGroup.update({ where: { id: groupId }, data: { displayName: input.displayName, displayNameLower: input.displayName.toLowerCase(), externalId: input.externalId, version: { increment: 1 } } });
  if (left.length > 0) await tx.directoryGroupMember.deleteMany({ where: { groupId, userId: { in: left } } });
  if (joined.length > 0) await tx.directoryGroupMember.createMany({ data: joined.map((userId) => ({ groupId, userId })) });
  const rolesChanged = await applyGroupRoles(tx, directory.organisationId, [...left, ...joined], actorOf(directory), request);
  return { joined: joined.length, left: left.length, rolesChanged };
}

/** POST /Groups: a new group of the directory, with its members. */
export async function createScimGroup(db: Db, directory: Directory, body: unknown, baseUrl: string, request?: Request): Promise<ScimOutcome<object>> {
  const parsed = scimGroupInput(body);
  if (!parsed.ok) return { ok: false, status: 400, detail: parsed.detail, scimType: parsed.scimType };
  return inTransaction(db, async (tx) => {
    const group = await tx.directoryGroup.create({ data: { organisationId: directory.organisationId, displayName: parsed.group.displayName, displayNameLower: parsed.group.displayName.toLowerCase(), externalId: parsed.group.externalId }, select: { id: true } });
    const changes = await writeGroup(tx, directory, group.id, parsed.group, [], request);
    await recordAuditEvent(tx, { actor: actorOf(directory), action: "scim_group_changed", organisationId: directory.organisationId, detail: { groupId: group.id, displayName: parsed.group.displayName, created: true, ...changes }, request });
    return { ok: true, value: scimGroupResource(await tx.directoryGroup.findUniqueOrThrow({ where: { id: group.id }, select: ROW }), baseUrl) };
  });
}

async function lockedGroup(tx: Transaction, directory: Directory, id: string) {
  if (id.length > 64) return null;
  const locked = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "DirectoryGroup" WHERE id = ${id} AND "organisationId" = ${directory.organisationId} FOR UPDATE`;
  return locked.length === 0 ? null : tx.directoryGroup.findUniqueOrThrow({ where: { id }, select: ROW });
}

async function replaceWith(tx: Transaction, directory: Directory, group: NonNullable<Awaited<ReturnType<typeof lockedGroup>>>, input: ScimGroupInput, baseUrl: string, request: Request) {
  const changes = await writeGroup(tx, directory, group.id, input, group.members.map((member) => member.userId), request);
  await recordAuditEvent(tx, { actor: actorOf(directory), action: "scim_group_changed", organisationId: directory.organisationId, detail: { groupId: group.id, displayName: input.displayName, ...changes }, request });
  return scimGroupResource(await tx.directoryGroup.findUniqueOrThrow({ where: { id: group.id }, select: ROW }), baseUrl);
}

/** PUT /Groups/:id: name and members replaced whole. */
export async function replaceScimGroup(db: Db, directory: Directory, id: string, body: unknown, baseUrl: string, request?: Request): Promise<ScimOutcome<object>> {
  const parsed = scimGroupInput(body);
  if (!parsed.ok) return { ok: false, status: 400, detail: parsed.detail, scimType: parsed.scimType };
  return inTransaction(db, async (tx) => {
    const group = await lockedGroup(tx, directory, id);
    return group ? { ok: true, value: await replaceWith(tx, directory, group, parsed.group, baseUrl, request) } : notFound;
  });
}

/**
 * PATCH /Groups/:id, applied by scim-patch to the group as stored: Entra ID's
 * `{"op":"Add","path":"members","value":[{"value":ID}]}` and
 * `{"op":"Remove","path":"members[value eq \"ID\"]"}`, Okta's add and remove of members, a
 * replace of displayName. Who joined or left gets the role their groups now give.
 */
export async function patchScimGroup(db: Db, directory: Directory, id: string, body: unknown, baseUrl: string, request?: Request): Promise<ScimOutcome<object>> {
  return inTransaction(db, async (tx) => {
    const group = await lockedGroup(tx, directory, id);
    if (!group) return notFound;
    const applied = applyScimPatch(scimGroupResource(group, baseUrl), body);
    if (!applied.ok) return applied;
    const parsed = scimGroupInput(applied.patched);
    if (!parsed.ok) return { ok: false, status: 400, detail: parsed.detail, scimType: parsed.scimType };
    return { ok: true, value: await replaceWith(tx, directory, group, parsed.group, baseUrl, request) };
  });
}

/** DELETE /Groups/:id: the group goes, and its members get the role their other groups give. */
export async function deleteScimGroup(db: Db, directory: Directory, id: string, request?: Request): Promise<ScimOutcome<null>> {
  return inTransaction(db, async (tx) => {
    const group = await lockedGroup(tx, directory, id);
    if (!group) return notFound;
    await tx.directoryGroup.delete({ where: { id: group.id } });
    const rolesChanged = await applyGroupRoles(tx, directory.organisationId, group.members.map((member) => member.userId), actorOf(directory), request);
    await recordAuditEvent(tx, { actor: actorOf(directory), action: "scim_group_changed", organisationId: directory.organisationId, detail: { groupId: group.id, displayName: group.displayName, deleted: true, rolesChanged }, request });
    return { ok: true, value: null };
  });
}

export async function getScimGroup(db: Db, directory: Directory, id: string, baseUrl: string, withMembers: boolean): Promise<ScimOutcome<object>> {
  if (id.length > 64) return notFound;
  const group = await db.directoryGroup.findFirst({ where: { id, organisationId: directory.organisationId }, select: ROW });
  return group ? { ok: true, value: scimGroupResource(group, baseUrl, withMembers) } : notFound;
}

/** GET /Groups?filter=displayName eq "…"&excludedAttributes=members&startIndex=&count=. */
export async function listScimGroups(db: Db, directory: Directory, params: URLSearchParams, baseUrl: string): Promise<ScimOutcome<object>> {
  const filter = filterWhere(params.get("filter"), GROUP_ATTRIBUTES);
  if (!filter.ok) return { ok: false, status: 400, detail: filter.detail, scimType: "invalidFilter" };
  const withMembers = !(params.get("excludedAttributes") ?? "").toLowerCase().split(",").map((name) => name.trim()).includes("members");
  const where: Prisma.DirectoryGroupWhereInput = { AND: [{ organisationId: directory.organisationId }, filter.where as Prisma.DirectoryGroupWhereInput] };
  const list = await scimList(
    params,
    { find: (skip, take) => db.directoryGroup.findMany({ where, select: ROW, orderBy: { id: "asc" }, skip, take }), count: () => db.directoryGroup.count({ where }) },
    (row) => scimGroupResource(row, baseUrl, withMembers),
  );
  return { ok: true, value: list };
}
