import Link from "next/link";
import { SignInErrorExplanation } from "@/components/sign-in-error-explanation";
import { SignInLink } from "@/components/sign-in-link";

type Props = { searchParams: Promise<{ error?: string | string[] }> };

export default async function SignInErrorPage({ searchParams }: Props) {
  const { error: errors } = await searchParams;
  const error = Array.isArray(errors) ? errors[0] : errors;
  return (
    <section className="space-y-6">
      <h1 className="text-2xl font-bold tracking-tight">Sign-in did not complete</h1>
      <SignInErrorExplanation code={error ?? ""} />
      <div className="flex flex-wrap items-center gap-4">
        <SignInLink callbackUrl="/profile" />
        <Link href="/" className="text-indigo-700 underline underline-offset-4">
          Back to the start page
        </Link>
      </div>
    </section>
  );
}
