import { parseAuditQuery } from "@/lib/audit/audit-query";
import { listAuditEvents } from "@/lib/audit/list-audit-events";
import { guardedRoute } from "@/lib/access/guarded-route";
import { getDb } from "@/lib/db";

const NO_STORE = { "Cache-Control": "no-store" };

/** The audit trail for administrators: ?user, ?action, ?from, ?to, ?limit, ?cursor (the last page's nextCursor). */
export const GET = guardedRoute("/api/audit", "GET", async (request) => {
  const parsed = parseAuditQuery(request.nextUrl.searchParams);
  if (!parsed.ok) return Response.json({ error: parsed.code, message: parsed.message }, { status: 400, headers: NO_STORE });
  return Response.json(await listAuditEvents(getDb(), parsed.query), { headers: NO_STORE });
});
