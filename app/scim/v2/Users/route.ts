import { getDb } from "@/lib/db";
import { scimAnswer, scimRoute } from "@/lib/scim/scim-route";
import { createScimUser, listScimUsers } from "@/lib/scim/scim-users";

/** GET /scim/v2/Users?filter=&startIndex=&count=: the directory's users (Okta's connection test asks for count=2). */
export const GET = scimRoute(async (request, { directory, baseUrl }) => scimAnswer(await listScimUsers(getDb(), directory, request.nextUrl.searchParams, baseUrl)));

/** POST /scim/v2/Users: provisions a user (201), or 409 uniqueness for a userName the organisation has. */
export const POST = scimRoute(async (_request, { directory, baseUrl, auditRequest, body }) => {
  const read = await body();
  if (!read.ok) return read.response;
  return scimAnswer(await createScimUser(getDb(), directory, read.value, baseUrl, auditRequest), 201);
});
