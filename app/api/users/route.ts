import { guardedRoute } from "@/lib/access/guarded-route";
import { getDb } from "@/lib/db";
import { listUsers } from "@/lib/admin/list-users";
import { userAdminErrorResponse } from "@/lib/admin/user-admin-errors";
import { parseUserListQuery } from "@/lib/admin/user-list-query";

/** Users, newest first, one keyset page at a time: ?q=&role=&status=&cursor=&limit=. */
export const GET = guardedRoute("/api/users", "GET", async (request) => {
  const parsed = parseUserListQuery(request.nextUrl.searchParams);
  if (!parsed.ok) return userAdminErrorResponse("invalid_request", parsed.message);
  return Response.json(await listUsers(getDb(), parsed.query), { headers: { "Cache-Control": "no-store" } });
});
