import Link from "next/link";
import { ROLES, ROLE_LABELS } from "@/lib/roles/roles";
import { USER_STATUSES, type UserListQuery } from "@/lib/admin/user-list-query";
import { BUTTON } from "./button-styles";

const FIELD = "rounded-md border border-slate-300 bg-white px-3 py-2 text-sm focus-visible:outline-2 focus-visible:outline-indigo-600";

/** One filter: "any", or one of `options` ([value, label]). */
function FilterSelect({ name, label, value, options }: { name: string; label: string; value: string | undefined; options: [string, string][] }) {
  const id = `user-${name}`;
  return (
    <div className="flex flex-col gap-1">
      <label htmlFor={id} className="text-sm font-medium">
        {label}
      </label>
      <select id={id} name={name} defaultValue={value ?? ""} className={FIELD}>
        <option value="">any</option>
        {options.map(([optionValue, optionLabel]) => (
          <option key={optionValue} value={optionValue}>
            {optionLabel}
          </option>
        ))}
      </select>
    </div>
  );
}

/**
 * Search and filters: a plain GET form, so results have a URL and work without JavaScript.
 * `organisationFilter`: the operator's admins, who see every organisation, may pick one (`org`).
 */
export function UserSearchForm({ query, organisationFilter }: { query: Pick<UserListQuery, "search" | "role" | "status" | "organisation">; organisationFilter: boolean }) {
  const filtered = Boolean(query.search || query.role || query.status || query.organisation);
  return (
    <form method="get" action="/admin" role="search" aria-label="Users" className="flex flex-wrap items-end gap-3">
      <div className="flex min-w-56 flex-1 flex-col gap-1">
        <label htmlFor="user-search" className="text-sm font-medium">
          Email or name starts with
        </label>
        <input id="user-search" name="q" type="search" defaultValue={query.search ?? ""} maxLength={100} autoComplete="off" className={FIELD} />
      </div>
      <FilterSelect name="role" label="Role" value={query.role} options={ROLES.map((role) => [role, ROLE_LABELS[role]])} />
      <FilterSelect name="status" label="Status" value={query.status} options={USER_STATUSES.map((status) => [status, status])} />
      {organisationFilter ? (
        <div className="flex flex-col gap-1">
          <label htmlFor="user-org" className="text-sm font-medium">
            Organisation (slug)
          </label>
          <input id="user-org" name="org" type="search" defaultValue={query.organisation ?? ""} maxLength={40} autoComplete="off" className={FIELD} />
        </div>
      ) : null}
      <button type="submit" className={`${BUTTON.primary} py-2`}>
        Search
      </button>
      {filtered ? (
        <Link href="/admin" className="py-2 text-sm text-indigo-700 underline underline-offset-4 focus-visible:outline-2 focus-visible:outline-indigo-600">
          Clear
        </Link>
      ) : null}
    </form>
  );
}
