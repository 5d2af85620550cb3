import Link from "next/link";
import { BUTTON } from "@/components/admin/button-styles";
import { UserSearchForm } from "@/components/admin/user-search-form";
import { UsersTable } from "@/components/admin/users-table";
import { requirePageUser } from "@/lib/access/page-guard";
import { getDb } from "@/lib/db";
import { getEnv } from "@/lib/config/env";
import { getLogger } from "@/lib/observability/logger";
import { showServiceUnavailable } from "@/lib/http/service-unavailable";
import { adminScopeOf } from "@/lib/organisations/admin-scope";
import { listUsers } from "@/lib/admin/list-users";
import { rolesManagedByIdp } from "@/lib/roles/idp-role-mapping";
import { DEFAULT_USER_PAGE_SIZE, parseUserListQuery, type UserListQuery } from "@/lib/admin/user-list-query";

export const dynamic = "force-dynamic";

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

/** The same filters on another page (`cursor`), as a link. */
function pageHref(query: UserListQuery, cursor?: string): string {
  const params = new URLSearchParams();
  if (query.search) params.set("q", query.search);
  if (query.role) params.set("role", query.role);
  if (query.status) params.set("status", query.status);
  if (query.organisation) params.set("org", query.organisation);
  if (cursor) params.set("cursor", cursor);
  const search = params.toString();
  return search ? `/admin?${search}` : "/admin";
}

export default async function AdminUsersPage({ searchParams }: Props) {
  const admin = await requirePageUser("/admin", { role: "admin" });
  const scope = adminScopeOf(admin.organisationId);
  // The page's address says ?org=SLUG; the API's, ?organisation=SLUG.
  const { org, ...filters } = await searchParams;
  const parsed = parseUserListQuery({ ...filters, organisation: org });
  const query: UserListQuery = parsed.ok ? parsed.query : { limit: DEFAULT_USER_PAGE_SIZE };
  const page = await listUsers(getDb(), scope, query).catch((error: unknown) => {
    getLogger().error({ event: "page_users_unavailable", error: error instanceof Error ? error.message : String(error) });
    return null;
  });
  if (!page) showServiceUnavailable("/admin");
  const filtered = Boolean(query.search || query.role || query.status || query.organisation);
  // Only the operator's admins see more than one organisation.
  const everyOrganisation = "all" in scope;
  return (
    <section aria-labelledby="users-heading" className="space-y-4">
      <h1 id="users-heading" className="text-2xl font-bold tracking-tight">
        Users
      </h1>
      {parsed.ok ? null : (
        <p role="alert" className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900">
          That address asked for something the list cannot show ({parsed.message}); here is the first page of everyone.
        </p>
      )}
      <UserSearchForm query={query} organisationFilter={everyOrganisation} />
      {page.users.length === 0 ? (
        <p className="text-slate-600" role="status">
          {filtered ? "No user matches." : "No user has signed in yet."}
        </p>
      ) : (
        <UsersTable
          users={page.users}
          rolesManagedByIdp={rolesManagedByIdp(getEnv())}
          showOrganisation={everyOrganisation}
          caption={`Users${filtered ? " matching the search" : ""}, newest first`}
        />
      )}
      <nav aria-label="Pages of users" className="flex gap-2">
        {query.after ? (
          <Link href={pageHref(query)} className={BUTTON.secondary}>
            First page
          </Link>
        ) : null}
        {page.nextCursor ? (
          <Link href={pageHref(query, page.nextCursor)} className={BUTTON.secondary}>
            Next page
          </Link>
        ) : null}
      </nav>
    </section>
  );
}
