import Link from "next/link";
import { notFound } from "next/navigation";
import type { ReactNode } from "react";
import { RevokeSessionsButton } from "@/components/admin/revoke-sessions-button";
import { UserActions } from "@/components/admin/user-actions";
import { UserFamiliesTable } from "@/components/admin/user-families-table";
import { RoleText, StatusBadge, actionableUser, userLabel } from "@/components/admin/users-table";
import { requirePageUser } from "@/lib/access/page-guard";
import { getDb } from "@/lib/db";
import { getEnv } from "@/lib/config/env";
import { getLogger } from "@/lib/observability/logger";
import { formatUtcMinute } from "@/lib/format-utc-minute";
import { showServiceUnavailable } from "@/lib/http/service-unavailable";
import { rolesManagedByIdp } from "@/lib/roles/idp-role-mapping";
import { adminScopeOf } from "@/lib/organisations/admin-scope";
import { findUserDetails } from "@/lib/admin/user-details";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ id: string }> };

export default async function AdminUserPage({ params }: Props) {
  const { id } = await params;
  const path = `/admin/users/${encodeURIComponent(id)}`;
  const admin = await requirePageUser(path, { role: "admin" });
  const scope = adminScopeOf(admin.organisationId);
  // Another organisation's user is not found, exactly as an unknown id.
  const details = await findUserDetails(getDb(), scope, id).catch((error: unknown) => {
    getLogger().error({ event: "page_user_unavailable", error: error instanceof Error ? error.message : String(error) });
    return "unavailable" as const;
  });
  if (details === "unavailable") showServiceUnavailable(path);
  if (!details) notFound();
  const { user, sessions, apiTokens } = details;
  const managedByIdp = rolesManagedByIdp(getEnv());
  const facts: [string, ReactNode][] = [
    ["Name", user.name ?? "—"],
    ["Email", user.email ?? "—"],
    ...("all" in scope ? [["Organisation", user.organisation] as [string, ReactNode]] : []),
    ["Role", <RoleText key="role" role={user.role} rolesManagedByIdp={managedByIdp} />],
    ["Status", <StatusBadge key="status" status={user.status} />],
    ["Member since", formatUtcMinute(user.createdAt)],
    ["Last sign-in", formatUtcMinute(user.lastLoginAt)],
  ];
  return (
    <section aria-labelledby="user-heading" className="space-y-6">
      <Link href="/admin" className="text-sm text-indigo-700 underline underline-offset-4 focus-visible:outline-2 focus-visible:outline-indigo-600">
        All users
      </Link>
      <h1 id="user-heading" className="break-words text-2xl font-bold tracking-tight">
        {userLabel(user)}
      </h1>
      <dl className="divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white">
        {facts.map(([label, value]) => (
          <div key={label} className="grid grid-cols-1 gap-1 px-4 py-3 sm:grid-cols-3 sm:gap-4">
            <dt className="text-sm font-medium text-slate-500">{label}</dt>
            <dd className="break-words text-slate-900 sm:col-span-2">{value}</dd>
          </div>
        ))}
      </dl>
      <UserActions user={actionableUser(user)} rolesManagedByIdp={managedByIdp} />
      <section aria-labelledby="sessions-heading" className="space-y-3">
        <div className="flex flex-wrap items-center justify-between gap-3">
          <h2 id="sessions-heading" className="text-lg font-semibold">
            Sessions and API tokens
          </h2>
          {sessions.length + apiTokens.length > 0 ? (
            <RevokeSessionsButton userId={user.id} label="Sign out everywhere" what={`every session and API token of ${userLabel(user)}`} />
          ) : null}
        </div>
        <UserFamiliesTable userId={user.id} families={[...sessions, ...apiTokens].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())} />
      </section>
    </section>
  );
}
