import { formatUtcMinute } from "@/lib/format-utc-minute";
import type { FamilySummary } from "@/lib/sessions/user-families";
import { AdminTable } from "./admin-table";
import { RevokeSessionsButton } from "./revoke-sessions-button";

const HEADERS = ["Kind", "Created", "Last used", "IP address", "User agent", "Ends", "Action"];

const KIND_LABELS = { browser: "Browser sign-in", api: "API token" } as const;

/** A user's active sessions and API tokens, each revocable on its own. */
export function UserFamiliesTable({ userId, families }: { userId: string; families: FamilySummary[] }) {
  if (families.length === 0) return <p className="text-sm text-slate-600">No active session or API token.</p>;
  return (
    <AdminTable caption="Active sessions and API tokens, newest first" headers={HEADERS}>
      {families.map((family) => {
        const what = `the ${KIND_LABELS[family.kind].toLowerCase()} created ${formatUtcMinute(family.createdAt)}`;
        return (
          <tr key={family.id} className="align-top">
            <th scope="row" className="whitespace-nowrap px-3 py-2 text-left font-medium">
              {KIND_LABELS[family.kind]}
            </th>
            <td className="whitespace-nowrap px-3 py-2">{formatUtcMinute(family.createdAt)}</td>
            <td className="whitespace-nowrap px-3 py-2">{family.lastUsedAt ? formatUtcMinute(family.lastUsedAt) : "not yet"}</td>
            <td className="whitespace-nowrap px-3 py-2 font-mono text-xs">{family.ipAddress ?? "unknown"}</td>
            <td className="max-w-xs truncate px-3 py-2" title={family.userAgent ?? undefined}>
              {family.userAgent ?? "unknown"}
            </td>
            <td className="whitespace-nowrap px-3 py-2">{formatUtcMinute(family.expiresAt)}</td>
            <td className="px-3 py-2">
              <RevokeSessionsButton userId={userId} familyId={family.id} label="Revoke" what={what} />
            </td>
          </tr>
        );
      })}
    </AdminTable>
  );
}
