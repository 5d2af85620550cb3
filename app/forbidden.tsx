import Link from "next/link";

/** A signed-in person without the role a page needs (policy/page-guard.ts): status 403. */
export default function Forbidden() {
  return (
    <section className="space-y-6">
      <h1 className="text-2xl font-bold tracking-tight">Not allowed</h1>
      <p className="text-slate-700" data-testid="forbidden">
        You are signed in, but your role does not allow this page. If you need it, ask an administrator of the console.
      </p>
      <Link href="/profile" className="text-indigo-700 underline underline-offset-4">
        Back to your profile
      </Link>
    </section>
  );
}
