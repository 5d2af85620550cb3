import Link from "next/link";
import { SignInErrorExplanation } from "@/components/sign-in-error-explanation";
import { SignInLink } from "@/components/sign-in-link";

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

export default async function SignInErrorPage({ searchParams }: Props) {
  const query = await searchParams;
  return (
    <section className="space-y-6">
      <h1 className="text-2xl font-bold tracking-tight">Sign-in did not complete</h1>
      <SignInErrorExplanation code={first(query.error) ?? ""} reason={first(query.reason)} reference={first(query.ref)} />
      <div className="flex flex-wrap items-center gap-4">
        <SignInLink callbackUrl="/profile" />
        <Link href="/" className="text-indigo-700 underline underline-offset-4">
          Back to the start page
        </Link>
      </div>
    </section>
  );
}
