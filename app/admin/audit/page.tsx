import type { Metadata } from "next";
import Link from "next/link";
import { AuditEventTable } from "@/components/audit-event-table";
import { AuditFilters, type AuditFilterValues } from "@/components/audit-filters";
import { parseAuditQuery } from "@/lib/audit/audit-query";
import { listAuditEvents } from "@/lib/audit/list-audit-events";
import { requirePageUser } from "@/lib/access/page-guard";
import { adminScopeOf } from "@/lib/organisations/admin-scope";
import { getDb } from "@/lib/db";
import { showServiceUnavailable } from "@/lib/http/service-unavailable";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Audit trail · VoiceSurveyAgent console" };

const PATH = "/admin/audit";
const FILTERS = ["user", "action", "from", "to", "limit"] as const;

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

/** The filters as given (first value of each), to fill the form and carry into the next page's link. */
function filtersOf(query: Awaited<Props["searchParams"]>): URLSearchParams {
  const filters = new URLSearchParams();
  for (const name of FILTERS) {
    const value = query[name];
    const first = Array.isArray(value) ? value[0] : value;
    if (first?.trim()) filters.set(name, first.trim());
  }
  return filters;
}

export default async function AuditTrailPage({ searchParams }: Props) {
  const admin = await requirePageUser(PATH, { role: "admin" });
  const query = await searchParams;
  const filters = filtersOf(query);
  const cursor = typeof query.cursor === "string" ? query.cursor : undefined;
  const parsed = parseAuditQuery(new URLSearchParams([...filters, ...(cursor ? [["cursor", cursor]] : [])]));
  const page = parsed.ok
    ? await listAuditEvents(getDb(), adminScopeOf(admin.organisationId), parsed.query).catch((error: unknown) => {
        console.error("[pages] the audit trail could not be read:", error instanceof Error ? error.message : error);
        return showServiceUnavailable(PATH);
      })
    : null;
  const values: AuditFilterValues = Object.fromEntries(filters);

  return (
    <section className="space-y-6">
      <div className="space-y-2">
        <h1 className="text-2xl font-bold tracking-tight">Audit trail</h1>
        <p className="text-slate-700">
          Who signed in, signed out, created API tokens or changed someone&apos;s access, and from where. Events are never changed; they are deleted
          only after the retention period.
        </p>
      </div>
      <AuditFilters values={values} />
      {!parsed.ok ? (
        <p role="alert" className="rounded-md border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-800" data-testid="audit-query-error">
          {parsed.message}
        </p>
      ) : page && page.events.length === 0 ? (
        <p className="text-slate-700" data-testid="audit-empty">
          No events match these filters.
        </p>
      ) : page ? (
        <AuditEventTable events={page.events} />
      ) : null}
      {parsed.ok && (cursor || page?.nextCursor) ? (
        <nav aria-label="Audit trail pages" className="flex flex-wrap gap-4 text-sm">
          {cursor ? (
            <Link href={`${PATH}?${filters}`} className="text-indigo-700 underline underline-offset-4 focus-visible:outline-2 focus-visible:outline-indigo-600">
              Newest events
            </Link>
          ) : null}
          {page?.nextCursor ? (
            <Link
              href={`${PATH}?${new URLSearchParams([...filters, ["cursor", page.nextCursor]])}`}
              rel="next"
              className="text-indigo-700 underline underline-offset-4 focus-visible:outline-2 focus-visible:outline-indigo-600"
            >
              Older events
            </Link>
          ) : null}
        </nav>
      ) : null}
    </section>
  );
}
