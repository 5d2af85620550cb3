import Link from "next/link";
import { ROLE_LABELS } from "@/lib/roles/roles";
import { formatUtcMinute } from "@/lib/format-utc-minute";
import type { AdminUser } from "@/lib/admin/admin-user";
import { AdminTable } from "./admin-table";
import { UserActions, type ActionableUser } from "./user-actions";

/** How the console names a user: their email, else their name, else their id. */
export function userLabel(user: Pick<AdminUser, "id" | "email" | "name">): string {
  return user.email ?? user.name ?? user.id;
}

/** The user's role as a page shows it, saying when the identity provider decides it. */
export function RoleText({ role, rolesManagedByIdp }: { role: AdminUser["role"]; rolesManagedByIdp: boolean }) {
  return (
    <>
      {ROLE_LABELS[role]}
      {rolesManagedByIdp ? <span className="block text-xs text-slate-500">managed by the identity provider</span> : null}
    </>
  );
}

/** What the action buttons need of a user (only that crosses to the browser). */
export function actionableUser(user: AdminUser): ActionableUser {
  const { id, role, status, version, activeSessions, activeApiTokens } = user;
  return { id, role, status, version, activeSessions, activeApiTokens, label: userLabel(user) };
}

export function StatusBadge({ status }: { status: AdminUser["status"] }) {
  return (
    <span className={`rounded-full px-2 py-0.5 text-xs font-medium ${status === "active" ? "bg-emerald-50 text-emerald-800" : "bg-red-50 text-red-800"}`}>{status}</span>
  );
}

const HEADERS = ["User", "Role", "Status", "Last sign-in", "Sessions", "API tokens", "Actions"];

/**
 * One page of users, with the actions an administrator may take on each. `showOrganisation`:
 * each user's organisation (its slug), for the operator's admins, who see every organisation.
 */
export function UsersTable({ users, rolesManagedByIdp, showOrganisation, caption }: { users: AdminUser[]; rolesManagedByIdp: boolean; showOrganisation: boolean; caption: string }) {
  return (
    <AdminTable caption={caption} headers={showOrganisation ? ["User", "Organisation", ...HEADERS.slice(1)] : HEADERS}>
      {users.map((user) => (
        <tr key={user.id} className="align-top">
          <th scope="row" className="px-3 py-2 text-left font-normal">
            <Link href={`/admin/users/${encodeURIComponent(user.id)}`} className="font-medium text-indigo-700 underline-offset-4 hover:underline focus-visible:outline-2 focus-visible:outline-indigo-600">
              {userLabel(user)}
            </Link>
            {user.name && user.email ? <span className="block text-slate-600">{user.name}</span> : null}
          </th>
          {showOrganisation ? <td className="px-3 py-2">{user.organisation}</td> : null}
          <td className="px-3 py-2">
            <RoleText role={user.role} rolesManagedByIdp={rolesManagedByIdp} />
          </td>
          <td className="px-3 py-2">
            <StatusBadge status={user.status} />
          </td>
          <td className="whitespace-nowrap px-3 py-2">{formatUtcMinute(user.lastLoginAt)}</td>
          <td className="px-3 py-2 text-right tabular-nums">{user.activeSessions}</td>
          <td className="px-3 py-2 text-right tabular-nums">{user.activeApiTokens}</td>
          <td className="px-3 py-2">
            <UserActions user={actionableUser(user)} rolesManagedByIdp={rolesManagedByIdp} />
          </td>
        </tr>
      ))}
    </AdminTable>
  );
}
