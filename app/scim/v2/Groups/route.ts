import { getDb } from "@/lib/db";
import { scimAnswer, scimRoute } from "@/lib/scim/scim-route";
import { createScimGroup, listScimGroups } from "@/lib/scim/scim-groups";

/** GET /scim/v2/Groups?filter=displayName eq "…"&excludedAttributes=members: the directory's groups. */
export const GET = scimRoute(async (request, { directory, baseUrl }) => scimAnswer(await listScimGroups(getDb(), directory, request.nextUrl.searchParams, baseUrl)));

/** POST /scim/v2/Groups: a group and its members (201); its members get the role it maps to. */
export const POST = scimRoute(async (_request, { directory, baseUrl, auditRequest, body }) => {
  const read = await body();
  if (!read.ok) return read.response;
  return scimAnswer(await createScimGroup(getDb(), directory, read.value, baseUrl, auditRequest), 201);
});
