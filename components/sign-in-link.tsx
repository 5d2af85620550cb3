import { safeCallbackPath } from "@/lib/http/callback-url";

/** A plain link: the login endpoint answers with the redirect to the identity provider. */
export function SignInLink({ callbackUrl }: { callbackUrl?: string | string[] }) {
  // Any origin works for the check: only the path survives.
  const target = safeCallbackPath(callbackUrl, "http://localhost");
  return (
    <a
      href={`/api/auth/login?${new URLSearchParams({ callbackUrl: target })}`}
      className="inline-flex items-center justify-center rounded-md bg-indigo-600 px-5 py-2.5 font-medium text-white shadow-sm hover:bg-indigo-500 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600"
    >
      Sign in
    </a>
  );
}
