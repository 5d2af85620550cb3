import { getDb } from "@/lib/db";
import { scimAnswer, scimRoute } from "@/lib/scim/scim-route";
import { deleteScimGroup, getScimGroup, patchScimGroup, replaceScimGroup } from "@/lib/scim/scim-groups";

type Params = { id: string };

export const GET = scimRoute<Params>(async (request, { directory, baseUrl }, { id }) =>
  scimAnswer(await getScimGroup(getDb(), directory, id, baseUrl, !(request.nextUrl.searchParams.get("excludedAttributes") ?? "").toLowerCase().includes("members"))),
);

/** PUT: name and members replaced whole. */
export const PUT = scimRoute<Params>(async (_request, { directory, baseUrl, auditRequest, body }, { id }) => {
  const read = await body();
  if (!read.ok) return read.response;
  return scimAnswer(await replaceScimGroup(getDb(), directory, id, read.value, baseUrl, auditRequest));
});

/** PATCH: members added and removed (Entra ID, Okta), displayName replaced. */
export const PATCH = scimRoute<Params>(async (_request, { directory, baseUrl, auditRequest, body }, { id }) => {
  const read = await body();
  if (!read.ok) return read.response;
  return scimAnswer(await patchScimGroup(getDb(), directory, id, read.value, baseUrl, auditRequest));
});

export const DELETE = scimRoute<Params>(async (_request, { directory, auditRequest }, { id }) => scimAnswer(await deleteScimGroup(getDb(), directory, id, auditRequest)));
