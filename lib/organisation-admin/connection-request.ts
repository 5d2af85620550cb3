import type { NewConnection } from "./connection-admin";

/**
 * The API's connection body as NewConnection, or what is wrong with its shape (the values are
 * then checked by connection-admin.ts). `roleMap` is an object here, as JSON can carry it.
 */
export function connectionFromRequest(value: unknown): { ok: true; connection: NewConnection } | { ok: false; message: string } {
  const body = value as Record<string, unknown> | null;
  if (!body || typeof body !== "object") return { ok: false, message: "Send the connection as a JSON object." };
  for (const field of ["displayName", "issuer", "clientId", "clientSecret"] as const) {
    if (typeof body[field] !== "string") return { ok: false, message: `${field} is required, as a string.` };
  }
  for (const field of ["scopes", "roleClaim"] as const) {
    if (body[field] !== undefined && typeof body[field] !== "string") return { ok: false, message: `${field} must be a string.` };
  }
  if (body.roleMap !== undefined && (typeof body.roleMap !== "object" || body.roleMap === null || Array.isArray(body.roleMap))) return { ok: false, message: 'roleMap must be an object, e.g. {"VSA.Admin": "admin"}.' };
  if (!Array.isArray(body.domains) || !body.domains.every((domain) => typeof domain === "string")) return { ok: false, message: 'domains must be an array of the organisation\'s domains, e.g. ["example.com"].' };
  return {
    ok: true,
    connection: {
      displayName: body.displayName as string,
      issuer: body.issuer as string,
      clientId: body.clientId as string,
      clientSecret: body.clientSecret as string,
      scopes: body.scopes as string | undefined,
      roleClaim: body.roleClaim as string | undefined,
      roleMap: body.roleMap === undefined ? undefined : JSON.stringify(body.roleMap),
      domains: body.domains as string[],
    },
  };
}
