import type { ReactNode } from "react";
import { AdminNav } from "@/components/admin/admin-nav";
import { requirePageUser } from "@/lib/access/page-guard";

/**
 * The administration's frame: its navigation, for admins only. Each page checks the role
 * itself as well (a layout is not re-rendered on every client navigation); this check keeps
 * the frame from ever showing to anyone else. `data-wide` gives its tables the width the root
 * layout's reading column keeps from other pages.
 */
export default async function AdminLayout({ children }: { children: ReactNode }) {
  await requirePageUser("/admin", { role: "admin" });
  return (
    <div data-wide className="space-y-6">
      <p className="text-sm font-semibold uppercase tracking-wide text-slate-500">Administration</p>
      <AdminNav />
      {children}
    </div>
  );
}
