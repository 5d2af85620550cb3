import type { ScimErrorType } from "./scim-response";

export const SCIM_GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group";

export type ScimGroupInput = { displayName: string; externalId: string | null; memberIds: string[] };

/** A Group resource from a directory (POST, PUT, or a PATCH's result): its name and its members' user ids. */
export function scimGroupInput(body: unknown): { ok: true; group: ScimGroupInput } | { ok: false; detail: string; scimType: ScimErrorType } {
  if (typeof body !== "object" || body === null || Array.isArray(body)) return { ok: false, detail: "The body must be a SCIM Group resource (a JSON object).", scimType: "invalidSyntax" };
  const byLowerName = new Map(Object.entries(body).map(([key, value]) => [key.toLowerCase(), value]));
  const displayName = byLowerName.get("displayname");
  if (typeof displayName !== "string" || displayName.trim().length === 0 || displayName.length > 256) return { ok: false, detail: "displayName is required: a string of 1 to 256 characters.", scimType: "invalidValue" };
  const externalId = byLowerName.get("externalid");
  if (externalId !== undefined && externalId !== null && typeof externalId !== "string") return { ok: false, detail: "externalId must be a string.", scimType: "invalidValue" };
  const members = byLowerName.get("members") ?? [];
  if (!Array.isArray(members) || !members.every((member) => typeof member === "object" && member !== null && typeof (member as { value?: unknown }).value === "string")) {
    return { ok: false, detail: "members must be a list of { value: USER_ID }.", scimType: "invalidValue" };
  }
  const memberIds = [...new Set(members.map((member) => (member as { value: string }).value))];
  return { ok: true, group: { displayName: displayName.trim(), externalId: (externalId as string | null | undefined) ?? null, memberIds } };
}

export type ScimGroupRow = { id: string; displayName: string; externalId: string | null; createdAt: Date; updatedAt: Date; version: number; members: { userId: string }[] };

/** RFC 7643 §4.2's Group resource; `members` left out when the directory asks (`excludedAttributes=members`, as Entra ID does). */
export function scimGroupResource(row: ScimGroupRow, baseUrl: string, withMembers = true) {
  return {
    schemas: [SCIM_GROUP_SCHEMA],
    id: row.id,
    displayName: row.displayName,
    ...(row.externalId !== null ? { externalId: row.externalId } : {}),
    ...(withMembers ? { members: row.members.map(({ userId }) => ({ value: userId, $ref: `${baseUrl}/scim/v2/Users/${userId}`, type: "User" })) } : {}),
    meta: { resourceType: "Group", created: row.createdAt.toISOString(), lastModified: row.updatedAt.toISOString(), location: `${baseUrl}/scim/v2/Groups/${row.id}`, version: `W/"${row.version}"` },
  };
}
