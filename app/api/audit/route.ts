import { parseAuditQuery } from "@/lib/audit/audit-query";
import { listAuditEvents } from "@/lib/audit/list-audit-events";
import { guardedRoute } from "@/lib/access/guarded-route";
import { adminScopeOfCaller } from "@/lib/organisations/admin-scope";
import { getDb } from "@/lib/db";
import { apiError } from "@/lib/errors/api-errors";
import { noStoreJson } from "@/lib/http/no-store";

/** The audit trail of the caller's organisation (every event for the operator's admins): ?user, ?action, ?from, ?to, ?limit, ?cursor (the last page's nextCursor). */
export const GET = guardedRoute("/api/audit", "GET", async (request, caller) => {
  const parsed = parseAuditQuery(request.nextUrl.searchParams);
  if (!parsed.ok) return apiError(parsed.code, { message: parsed.message });
  return noStoreJson(await listAuditEvents(getDb(), adminScopeOfCaller(caller), parsed.query));
});
