import { guardedRoute } from "@/lib/access/guarded-route";
import { getDb } from "@/lib/db";
import { adminScopeOfCaller } from "@/lib/organisations/admin-scope";
import { listUsers } from "@/lib/admin/list-users";
import { apiError } from "@/lib/errors/api-errors";
import { parseUserListQuery } from "@/lib/admin/user-list-query";
import { noStoreJson } from "@/lib/http/no-store";

/** The caller's organisation's users (every organisation's for the operator's admins), newest first, one keyset page at a time: ?q=&role=&status=&organisation=&cursor=&limit=. */
export const GET = guardedRoute("/api/users", "GET", async (request, caller) => {
  const parsed = parseUserListQuery(request.nextUrl.searchParams);
  if (!parsed.ok) return apiError("invalid_request", { message: parsed.message });
  return noStoreJson(await listUsers(getDb(), adminScopeOfCaller(caller), parsed.query));
});
