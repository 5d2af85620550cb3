"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

const SECTIONS = [
  { href: "/admin", label: "Users", current: (path: string) => path === "/admin" || path.startsWith("/admin/users") },
  { href: "/admin/organisations", label: "Organisations", current: (path: string) => path.startsWith("/admin/organisations") },
  { href: "/admin/audit", label: "Audit trail", current: (path: string) => path.startsWith("/admin/audit") },
];

/** The administration's sections; the current one is marked for screen readers too (aria-current). */
export function AdminNav() {
  const pathname = usePathname();
  return (
    <nav aria-label="Administration" className="border-b border-slate-200">
      <ul className="flex gap-1">
        {SECTIONS.map(({ href, label, current }) => {
          const isCurrent = current(pathname);
          return (
            <li key={href}>
              <Link
                href={href}
                aria-current={isCurrent ? "page" : undefined}
                className={`-mb-px inline-block border-b-2 px-3 py-2 text-sm font-medium focus-visible:outline-2 focus-visible:outline-indigo-600 ${
                  isCurrent ? "border-indigo-600 text-indigo-700" : "border-transparent text-slate-600 hover:text-slate-900"
                }`}
              >
                {label}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
