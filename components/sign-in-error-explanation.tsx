import { describeSignInFailure } from "@/lib/errors/sign-in-failures";

// A reference is the request id the callback logged: short, quotable, never a secret.
const REFERENCE = /^[A-Za-z0-9._:-]{8,128}$/;

/** Why the sign-in did not complete (or the session ended), what to do next, and what to quote. */
export function SignInErrorExplanation({ code, reason, reference }: { code: string; reason?: string; reference?: string }) {
  const { title, detail, nextStep, reasonText } = describeSignInFailure(code, reason);
  return (
    <div role="alert" data-testid="sign-in-error" data-code={code} className="space-y-2 rounded-lg border border-red-200 bg-red-50 p-4 text-red-900">
      <h2 className="font-semibold">{title}</h2>
      <p className="text-sm">
        {detail}
        {reasonText ? ` The ID token was refused because ${reasonText}.` : null}
      </p>
      <p className="text-sm font-medium" data-testid="sign-in-error-next-step">
        {nextStep}
      </p>
      {reference && REFERENCE.test(reference) ? (
        <p className="text-xs text-red-800">
          Reference: <code data-testid="sign-in-error-reference">{reference}</code>
        </p>
      ) : null}
    </div>
  );
}
