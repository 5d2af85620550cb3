import { redirect } from "next/navigation";
import { auth } from "@/lib/auth";
import { getDb } from "@/lib/db";
import { findUserProfile } from "@/lib/users/find-user-profile";

export const dynamic = "force-dynamic";

const ROLE_LABELS = { admin: "admin", campaign_manager: "campaign manager", viewer: "viewer" } as const;

function formatDate(date: Date | null): string {
  if (!date) return "never";
  return `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

export default async function ProfilePage() {
  const session = await auth();
  if (!session?.user?.id) redirect("/signin?callbackUrl=/profile");
  const profile = await findUserProfile(getDb(), session.user.id);
  if (!profile) redirect("/signin?callbackUrl=/profile");

  const rows: [string, string, string][] = [
    ["Name", profile.name ?? "—", "profile-name"],
    ["Email", profile.email ?? "—", "profile-email"],
    ["Role", ROLE_LABELS[profile.role], "profile-role"],
    ["Member since", formatDate(profile.createdAt), "profile-created"],
    ["Last sign-in", formatDate(profile.lastLoginAt), "profile-last-login"],
  ];
  return (
    <section className="space-y-6">
      <h1 className="text-2xl font-bold tracking-tight">Your profile</h1>
      <dl className="divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white">
        {rows.map(([label, value, testId]) => (
          <div key={label} className="grid grid-cols-1 gap-1 px-4 py-3 sm:grid-cols-3 sm:gap-4">
            <dt className="text-sm font-medium text-slate-500">{label}</dt>
            <dd className="break-words text-slate-900 sm:col-span-2" data-testid={testId} data-value={label === "Role" ? profile.role : undefined}>
              {value}
            </dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
