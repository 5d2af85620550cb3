import Link from "next/link";
import { SignInLink } from "@/components/sign-in-link";
import { getCurrentSession } from "@/lib/access/current-session";
import { showServiceUnavailable } from "@/lib/http/service-unavailable";

export default async function HomePage() {
  const session = await getCurrentSession();
  if (session.status === "unavailable") showServiceUnavailable("/");
  return (
    <section className="space-y-6">
      <h1 className="text-3xl font-bold tracking-tight">VoiceSurveyAgent console</h1>
      <p className="text-slate-700">
        Plan and run voice survey campaigns. Sign in with your organisation&apos;s account to continue.
      </p>
      {session.status === "signed-in" ? (
        <p className="text-slate-800">
          Signed in as <strong>{session.user.name ?? session.user.email}</strong>.{" "}
          <Link href="/profile" className="text-indigo-700 underline underline-offset-4">
            Your profile
          </Link>
        </p>
      ) : (
        <SignInLink callbackUrl="/profile" />
      )}
    </section>
  );
}
