import Link from "next/link";
import { getCurrentSession } from "@/lib/access/current-session";
import { SignOutButton } from "./sign-out-button";

export async function SiteHeader() {
  const session = await getCurrentSession();
  return (
    <header className="border-b border-slate-200 bg-white">
      {/* As wide as the page below it: the administration (data-wide) is wider than the reading column. */}
      <nav aria-label="Main" className="mx-auto flex max-w-2xl flex-wrap items-center justify-between gap-3 px-4 py-3 [body:has([data-wide])_&]:max-w-6xl">
        <Link href="/" className="font-semibold tracking-tight focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600">
          VoiceSurveyAgent
        </Link>
        {session.status === "signed-in" ? (
          <div className="flex items-center gap-3 text-sm">
            <Link href="/profile" className="text-slate-700 underline-offset-4 hover:underline focus-visible:outline-2 focus-visible:outline-indigo-600">
              Profile
            </Link>
            {session.user.role === "admin" ? (
              <Link href="/admin" className="text-slate-700 underline-offset-4 hover:underline focus-visible:outline-2 focus-visible:outline-indigo-600">
                Administration
              </Link>
            ) : null}
            <SignOutButton />
          </div>
        ) : null}
      </nav>
    </header>
  );
}
