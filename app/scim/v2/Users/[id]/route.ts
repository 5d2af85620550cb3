import { getDb } from "@/lib/db";
import { scimAnswer, scimRoute } from "@/lib/scim/scim-route";
import { deleteScimUser, getScimUser, patchScimUser, replaceScimUser } from "@/lib/scim/scim-users";

type Params = { id: string };

export const GET = scimRoute<Params>(async (_request, { directory, baseUrl }, { id }) => scimAnswer(await getScimUser(getDb(), directory, id, baseUrl)));

/** PUT: the resource replaced whole; `active: false` deprovisions (every session and API token revoked at once). */
export const PUT = scimRoute<Params>(async (_request, { directory, baseUrl, auditRequest, body }, { id }) => {
  const read = await body();
  if (!read.ok) return read.response;
  return scimAnswer(await replaceScimUser(getDb(), directory, id, read.value, baseUrl, auditRequest));
});

/** PATCH: RFC 7644 §3.5.2 operations, as Okta and Entra ID send them. */
export const PATCH = scimRoute<Params>(async (_request, { directory, baseUrl, auditRequest, body }, { id }) => {
  const read = await body();
  if (!read.ok) return read.response;
  return scimAnswer(await patchScimUser(getDb(), directory, id, read.value, baseUrl, auditRequest));
});

/** DELETE: deprovisioned and no longer the directory's (204); the disabled record stays for the audit trail. */
export const DELETE = scimRoute<Params>(async (_request, { directory, auditRequest }, { id }) => scimAnswer(await deleteScimUser(getDb(), directory, id, auditRequest)));
