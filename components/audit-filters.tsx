import Link from "next/link";
import { AUDIT_ACTIONS } from "@/lib/audit/audit-events";
import { AUDIT_ACTION_LABELS } from "@/lib/audit/audit-action-labels";

export type AuditFilterValues = { user?: string; action?: string; from?: string; to?: string };

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const FIELD = "mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-indigo-600";

/**
 * The audit page's filters: a plain GET form (no script needed), so the filtered page has its
 * own URL to bookmark or share, and the keyboard works as in any form. Dates are UTC days.
 */
export function AuditFilters({ values }: { values: AuditFilterValues }) {
  return (
    <form method="get" action="/admin/audit" aria-labelledby="audit-filters-heading" className="space-y-4 rounded-lg border border-slate-200 bg-white p-4">
      <h2 id="audit-filters-heading" className="font-semibold">
        Filter
      </h2>
      <div className="grid grid-cols-1 gap-4 sm:grid-cols-2">
        <div>
          <label htmlFor="audit-user" className="text-sm font-medium text-slate-700">
            User (email or id)
          </label>
          <input id="audit-user" name="user" type="search" defaultValue={values.user ?? ""} autoComplete="off" spellCheck={false} className={FIELD} />
        </div>
        <div>
          <label htmlFor="audit-action" className="text-sm font-medium text-slate-700">
            Action
          </label>
          <select id="audit-action" name="action" defaultValue={values.action ?? ""} className={FIELD}>
            <option value="">Any action</option>
            {AUDIT_ACTIONS.map((action) => (
              <option key={action} value={action}>
                {AUDIT_ACTION_LABELS[action]}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="audit-from" className="text-sm font-medium text-slate-700">
            From (UTC day)
          </label>
          <input id="audit-from" name="from" type="date" defaultValue={values.from && DATE.test(values.from) ? values.from : ""} className={FIELD} />
        </div>
        <div>
          <label htmlFor="audit-to" className="text-sm font-medium text-slate-700">
            To (UTC day, included)
          </label>
          <input id="audit-to" name="to" type="date" defaultValue={values.to && DATE.test(values.to) ? values.to : ""} className={FIELD} />
        </div>
      </div>
      <div className="flex flex-wrap items-center gap-4">
        <button
          type="submit"
          className="rounded-md bg-indigo-600 px-4 py-2 text-sm font-medium text-white hover:bg-indigo-500 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600"
        >
          Show events
        </button>
        <Link href="/admin/audit" className="text-sm text-indigo-700 underline underline-offset-4 focus-visible:outline-2 focus-visible:outline-indigo-600">
          Clear filters
        </Link>
      </div>
    </form>
  );
}
