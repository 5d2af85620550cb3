import { signInEntryPath } from "@/lib/sign-in/sign-in-entry";

export const BUTTON_CLASSES =
  "inline-flex items-center justify-center rounded-md bg-indigo-600 px-5 py-2.5 font-medium text-white shadow-sm hover:bg-indigo-500 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600";

/** A plain link: to the IdP's redirect (one organisation) or to the sign-in page's email step (several). */
export async function SignInLink({ callbackUrl, href }: { callbackUrl?: string | string[]; href?: string }) {
  return (
    <a href={href ?? (await signInEntryPath(callbackUrl))} className={BUTTON_CLASSES}>
      Sign in
    </a>
  );
}
