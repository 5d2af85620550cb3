import { SCIM_SCHEMAS, type ScimErrorType } from "./scim-response";

/** What the console keeps of a directory's User resource: the columns it looks up and decides by, and the rest as sent. */
export type ScimUserInput = {
  userName: string;
  externalId: string | null;
  active: boolean;
  /** The primary (else the work, else the first) email, lower case: the user's email. */
  email: string | null;
  displayName: string | null;
  /** Everything else the directory sent (name, emails, title, the enterprise extension…), never a password. */
  attributes: Record<string, unknown>;
};

type Invalid = { ok: false; detail: string; scimType: ScimErrorType };

/** Kept in columns or made by the server (id, meta), or never kept at all (password, groups: read-only here). */
const NOT_KEPT = new Set(["schemas", "id", "meta", "username", "externalid", "active", "password", "groups"]);
const MAX_ATTRIBUTES_JSON_BYTES = 16 * 1024;
const EMAIL = /^[^\s@]+@[^\s@]+$/;

/**
 * `active` as directories send it: a boolean, or (Entra ID's older provisioning jobs) the
 * strings "True" and "False", in any case. Absent: active (RFC 7643 §4.1.1 leaves it to us).
 */
function activeOf(value: unknown): boolean | null {
  if (value === undefined || value === null) return true;
  if (typeof value === "boolean") return value;
  if (typeof value === "string" && /^(true|false)$/i.test(value)) return value.toLowerCase() === "true";
  return null;
}

function primaryEmail(value: unknown): string | null | undefined {
  if (value === undefined || value === null) return null;
  if (!Array.isArray(value)) return undefined;
  const emails = value.filter((item): item is { value: string; type?: unknown; primary?: unknown } => typeof item === "object" && item !== null && typeof item.value === "string");
  const chosen = emails.find((item) => item.primary === true || item.primary === "True" || item.primary === "true") ?? emails.find((item) => item.type === "work") ?? emails[0];
  return chosen ? chosen.value.trim().toLowerCase() : null;
}

function displayNameOf(body: Record<string, unknown>): string | null {
  if (typeof body.displayName === "string" && body.displayName.trim()) return body.displayName.trim().slice(0, 200);
  const name = body.name as { formatted?: unknown; givenName?: unknown; familyName?: unknown } | undefined;
  if (typeof name?.formatted === "string" && name.formatted.trim()) return name.formatted.trim().slice(0, 200);
  const parts = [name?.givenName, name?.familyName].filter((part): part is string => typeof part === "string" && part.trim() !== "");
  return parts.length > 0 ? parts.join(" ").slice(0, 200) : null;
}

/**
 * A User resource from a directory (POST, PUT, or the result of a PATCH) as what the console
 * keeps, or why it is refused. Attribute names are case-insensitive (RFC 7643 §2.1): Entra ID
 * and Okta differ in how they write them.
 */
export function scimUserInput(body: unknown): { ok: true; user: ScimUserInput } | Invalid {
  if (typeof body !== "object" || body === null || Array.isArray(body)) return { ok: false, detail: "The body must be a SCIM User resource (a JSON object).", scimType: "invalidSyntax" };
  const byLowerName = new Map(Object.entries(body).map(([key, value]) => [key.toLowerCase(), value]));
  const userName = byLowerName.get("username");
  if (typeof userName !== "string" || userName.trim().length === 0 || userName.length > 256) return { ok: false, detail: "userName is required: a string of 1 to 256 characters.", scimType: "invalidValue" };
  const externalId = byLowerName.get("externalid");
  if (externalId !== undefined && externalId !== null && (typeof externalId !== "string" || externalId.length > 256)) return { ok: false, detail: "externalId must be a string of at most 256 characters.", scimType: "invalidValue" };
  const active = activeOf(byLowerName.get("active"));
  if (active === null) return { ok: false, detail: 'active must be true or false (or the strings "True" and "False").', scimType: "invalidValue" };
  const email = primaryEmail(byLowerName.get("emails"));
  if (email === undefined) return { ok: false, detail: "emails must be a list of { value, type?, primary? }.", scimType: "invalidValue" };
  if (email !== null && (email.length > 254 || !EMAIL.test(email))) return { ok: false, detail: `${JSON.stringify(email)} is not an email address.`, scimType: "invalidValue" };
  const attributes = Object.fromEntries(Object.entries(body).filter(([key]) => !NOT_KEPT.has(key.toLowerCase())));
  if (Buffer.byteLength(JSON.stringify(attributes)) > MAX_ATTRIBUTES_JSON_BYTES) return { ok: false, detail: "The resource's attributes are larger than 16 KiB.", scimType: "invalidValue" };
  const displayName = displayNameOf({ displayName: byLowerName.get("displayname"), name: byLowerName.get("name") });
  return { ok: true, user: { userName: userName.trim(), externalId: (externalId as string | null | undefined) ?? null, active, email, displayName, attributes } };
}

/** The row a User resource is read from. */
export type ScimUserRow = {
  id: string;
  scimUserName: string | null;
  scimExternalId: string | null;
  scimAttributes: unknown;
  disabledAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  version: number;
};

/** RFC 7643 §4.1's User resource, as the console answers it (with meta.version as a weak ETag). */
export function scimUserResource(row: ScimUserRow, baseUrl: string) {
  const attributes = (row.scimAttributes ?? {}) as Record<string, unknown>;
  const extension = Object.hasOwn(attributes, SCIM_SCHEMAS.enterpriseUser);
  return {
    ...attributes,
    schemas: extension ? [SCIM_SCHEMAS.user, SCIM_SCHEMAS.enterpriseUser] : [SCIM_SCHEMAS.user],
    id: row.id,
    ...(row.scimExternalId !== null ? { externalId: row.scimExternalId } : {}),
    userName: row.scimUserName,
    active: row.disabledAt === null,
    meta: { resourceType: "User", created: row.createdAt.toISOString(), lastModified: row.updatedAt.toISOString(), location: `${baseUrl}/scim/v2/Users/${row.id}`, version: `W/"${row.version}"` },
  };
}
