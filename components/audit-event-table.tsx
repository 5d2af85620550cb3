import Link from "next/link";
import type { AuditEventView } from "@/lib/audit/list-audit-events";
import { auditActionLabel } from "@/lib/audit/audit-action-labels";

const COLUMNS = ["Time", "Action", "By", "About", "Details", "From"];
const NAMED_ACTORS: Record<string, string> = { system: "System", cli: "CLI" };

function formatTime(date: Date): string {
  return `${date.toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

function formatValue(value: unknown): string {
  if (value === null || value === undefined || value === "") return "—";
  if (Array.isArray(value)) return value.length ? value.map(formatValue).join(", ") : "none";
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

/** A user an event names, linked to the events by or about them (the user filter). */
function UserCell({ id, email }: { id: string | null; email: string | null }) {
  if (!id) return <span className="text-slate-400">—</span>;
  if (NAMED_ACTORS[id]) return <span>{NAMED_ACTORS[id]}</span>;
  return (
    <Link
      href={`/admin/audit?${new URLSearchParams({ user: id })}`}
      title={id}
      className="text-indigo-700 underline-offset-4 hover:underline focus-visible:outline-2 focus-visible:outline-indigo-600"
    >
      {email ?? id}
    </Link>
  );
}

function DetailCell({ detail }: { detail: AuditEventView["detail"] }) {
  if (!detail || typeof detail !== "object" || Array.isArray(detail)) return <span>{formatValue(detail)}</span>;
  const entries = Object.entries(detail);
  if (entries.length === 0) return <span className="text-slate-400">—</span>;
  return (
    <dl className="space-y-0.5">
      {entries.map(([key, value]) => (
        <div key={key} className="flex flex-wrap gap-x-1">
          <dt className="text-slate-500">{key}:</dt>
          <dd className="break-all">{formatValue(value)}</dd>
        </div>
      ))}
    </dl>
  );
}

/**
 * The events of one page, newest first, as wide as the administration's column (the filter card
 * above it) and, where that is too narrow, scrolling sideways in its own region, which the
 * keyboard can reach (tabIndex) and a screen reader announces by its caption.
 */
export function AuditEventTable({ events }: { events: AuditEventView[] }) {
  return (
    <div
      role="region"
      aria-labelledby="audit-events-caption"
      tabIndex={0}
      className="w-full overflow-x-auto rounded-lg border border-slate-200 bg-white focus-visible:outline-2 focus-visible:outline-indigo-600"
    >
      <table className="min-w-full divide-y divide-slate-200 text-left text-sm" data-testid="audit-events">
        <caption id="audit-events-caption" className="px-4 py-3 text-left font-semibold">
          Audit events, newest first
        </caption>
        <thead className="bg-slate-50 text-xs uppercase tracking-wide text-slate-600">
          <tr>
            {COLUMNS.map((column) => (
              <th key={column} scope="col" className="px-4 py-2 whitespace-nowrap">
                {column}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100 align-top">
          {events.map((event) => (
            <tr key={event.id} data-action={event.action}>
              <td className="px-4 py-2 whitespace-nowrap">
                <time dateTime={event.createdAt.toISOString()}>{formatTime(event.createdAt)}</time>
              </td>
              <td className="min-w-32 px-4 py-2 font-medium">{auditActionLabel(event.action)}</td>
              <td className="px-4 py-2 whitespace-nowrap">
                <UserCell id={event.actor} email={event.actorEmail} />
              </td>
              <td className="px-4 py-2 whitespace-nowrap">
                <UserCell id={event.targetUserId} email={event.targetEmail} />
              </td>
              <td className="min-w-64 px-4 py-2 text-xs">
                <DetailCell detail={event.detail} />
              </td>
              <td className="min-w-48 px-4 py-2 text-xs">
                <div>{event.ipAddress ?? "address unknown"}</div>
                {event.userAgent ? (
                  <div className="max-w-48 truncate text-slate-500" title={event.userAgent}>
                    {event.userAgent}
                  </div>
                ) : null}
                {event.requestId ? <div className="break-all text-slate-400">ref {event.requestId}</div> : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
