import { redirect } from "next/navigation";
import { CreateApiToken } from "@/components/create-api-token";
import { SignOutButton } from "@/components/sign-out-button";
import { ROLE_LABELS } from "@/lib/roles/roles";
import { requirePageUser } from "@/lib/access/page-guard";
import { getDb } from "@/lib/db";
import { getEnv } from "@/lib/config/env";
import { formatUtcMinute } from "@/lib/format-utc-minute";
import { getLogger } from "@/lib/observability/logger";
import { showServiceUnavailable } from "@/lib/http/service-unavailable";
import { findUserProfile } from "@/lib/users/find-user-profile";

export const dynamic = "force-dynamic";

export default async function ProfilePage() {
  const user = await requirePageUser("/profile", { role: "viewer" });
  // The session check may have come from its short cache while the database has just gone away.
  const profile = await findUserProfile(getDb(), user.id).catch((error: unknown) => {
    getLogger().error({ event: "page_profile_unavailable", error: error instanceof Error ? error.message : String(error) });
    return "unavailable" as const;
  });
  if (profile === "unavailable") showServiceUnavailable("/profile");
  if (!profile) redirect("/signin?error=session_ended&callbackUrl=/profile");

  const rows: [string, string, string][] = [
    ["Name", profile.name ?? "—", "profile-name"],
    ["Email", profile.email ?? "—", "profile-email"],
    ["Role", ROLE_LABELS[profile.role], "profile-role"],
    ["Member since", formatUtcMinute(profile.createdAt), "profile-created"],
    ["Last sign-in", formatUtcMinute(profile.lastLoginAt), "profile-last-login"],
  ];
  return (
    <section className="space-y-6">
      <h1 className="text-2xl font-bold tracking-tight">Your profile</h1>
      <dl className="divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white">
        {rows.map(([label, value, testId]) => (
          <div key={label} className="grid grid-cols-1 gap-1 px-4 py-3 sm:grid-cols-3 sm:gap-4">
            <dt className="text-sm font-medium text-slate-500">{label}</dt>
            <dd className="break-words text-slate-900 sm:col-span-2" data-testid={testId}>
              {value}
            </dd>
          </div>
        ))}
      </dl>
      <CreateApiToken appUrl={getEnv().authUrl} />
      <section aria-labelledby="sessions-heading" className="space-y-2 rounded-lg border border-slate-200 bg-white p-4">
        <h2 id="sessions-heading" className="font-semibold">
          Sessions
        </h2>
        <p className="text-sm text-slate-600">Ends every sign-in of yours on every device, and every API token you created.</p>
        <SignOutButton everywhere />
      </section>
    </section>
  );
}
