/** What went wrong at sign-in, in words, keyed by the `error` query parameter. */
const EXPLANATIONS: Record<string, { title: string; detail: string }> = {
  IdpUnreachable: {
    title: "The sign-in service could not be reached",
    detail: "Your organisation's identity provider did not answer, or answered in a way the console does not understand. Try again in a minute; if it keeps happening, tell your administrator.",
  },
  Configuration: {
    title: "Sign-in is not working right now",
    detail: "The connection to your organisation's identity provider failed or is misconfigured. Try again; if it keeps happening, tell your administrator.",
  },
  AccessDenied: {
    title: "Access denied",
    detail: "You are not allowed to sign in to this console, or the sign-in was cancelled.",
  },
  OAuthCallbackError: {
    title: "Access denied",
    detail: "The identity provider did not complete the sign-in (it was cancelled or refused). You can try again.",
  },
  AccountConflict: {
    title: "This email already belongs to another account",
    detail: "Another user of this console already has the email address your identity provider sent. Accounts are never merged automatically: ask an administrator to resolve it.",
  },
  OAuthAccountNotLinked: {
    title: "This email already belongs to another account",
    detail: "Another user of this console already has the email address your identity provider sent. Ask an administrator to resolve it.",
  },
  SessionEnded: {
    title: "Your session has ended",
    detail: "You were signed out: on another device, at your organisation's identity provider, or by an administrator. Sign in again to continue.",
  },
  IdpRenewalFailed: {
    title: "Your session has ended",
    detail: "Your organisation's identity provider no longer accepts this sign-in (it was revoked or has expired there), so the console could not renew it. Sign in again to continue.",
  },
  ServerError: {
    title: "Your sign-in could not be recorded",
    detail: "The console could not save your sign-in. Try again in a minute; if it keeps happening, tell your administrator.",
  },
};

const FALLBACK = {
  title: "Sign-in failed",
  detail: "Something went wrong while signing you in. Try again.",
};

export function SignInErrorExplanation({ code }: { code: string }) {
  const { title, detail } = EXPLANATIONS[code] ?? FALLBACK;
  return (
    <div role="alert" data-testid="sign-in-error" className="rounded-lg border border-red-200 bg-red-50 p-4 text-red-900">
      <h2 className="font-semibold">{title}</h2>
      <p className="mt-1 text-sm">{detail}</p>
    </div>
  );
}
