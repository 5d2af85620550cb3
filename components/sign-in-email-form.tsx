import { BUTTON_CLASSES } from "./sign-in-link";

/** The email step: the domain of the work email finds the organisation's sign-in (POST, so the email is in no URL). */
export function SignInEmailForm({ callbackUrl }: { callbackUrl: string }) {
  return (
    <form method="post" action="/api/auth/discover" className="space-y-3" data-testid="sign-in-email-form">
      <label className="block text-sm font-medium text-slate-800">
        Work email
        <input
          name="email"
          type="email"
          required
          autoComplete="username"
          className="mt-1 block w-full max-w-sm rounded-md border border-slate-300 px-3 py-2 text-slate-900 shadow-sm focus:border-indigo-500 focus:outline-none"
        />
      </label>
      <input type="hidden" name="callbackUrl" value={callbackUrl} />
      <button type="submit" className={BUTTON_CLASSES}>
        Continue
      </button>
    </form>
  );
}
