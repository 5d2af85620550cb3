import { redirect } from "next/navigation";
import { SignInErrorExplanation } from "@/components/sign-in-error-explanation";
import { SignInLink } from "@/components/sign-in-link";
import { getCurrentSession } from "@/lib/access/current-session";

type Props = { searchParams: Promise<{ callbackUrl?: string | string[]; error?: string | string[] }> };

export default async function SignInPage({ searchParams }: Props) {
  const { callbackUrl, error: errors } = await searchParams;
  const error = Array.isArray(errors) ? errors[0] : errors;
  if (!error && (await getCurrentSession()).status === "signed-in") redirect("/profile");
  return (
    <section className="space-y-6">
      <h1 className="text-2xl font-bold tracking-tight">Sign in</h1>
      {error ? <SignInErrorExplanation code={error} /> : null}
      <p className="text-slate-700">You will be sent to your organisation&apos;s sign-in page and brought back here.</p>
      <SignInLink callbackUrl={callbackUrl} />
    </section>
  );
}
