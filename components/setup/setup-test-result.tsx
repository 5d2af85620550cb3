import type { SetupStatus } from "@/lib/organisation-admin/setup-status";
import { describeSignInFailure } from "@/lib/errors/sign-in-failures";

/** The last test sign-in: the claims the IdP sent and the role they map to, or why it was refused. */
export function SetupTestResult({ test, refusal, mappedRole }: { test: SetupStatus["test"]; refusal: string | null; mappedRole: SetupStatus["mappedRole"] }) {
  if (refusal) {
    const [code, reason] = refusal.split("/");
    const described = describeSignInFailure(code, reason);
    return (
      <div role="alert" data-testid="setup-test-refused" data-code={code} className="rounded-lg border border-amber-200 bg-amber-50 p-4 text-sm text-amber-900">
        <p>
          <strong>{described.title}</strong> (<code>{refusal}</code>): {described.detail} {described.nextStep}
        </p>
      </div>
    );
  }
  if (!test) return null;
  return (
    <div className="space-y-2 text-sm" data-testid="setup-test-result">
      <p>
        Signed in as <strong data-testid="setup-test-subject">{test.subject}</strong>
        {test.email ? (
          <>
            {" "}
            (<span data-testid="setup-test-email">{test.email}</span>, verified)
          </>
        ) : (
          " (no verified email)"
        )}
        ; with the current settings you would be <strong data-testid="setup-test-role">{mappedRole}</strong>.{test.current ? "" : " The settings changed since: test again."}
      </p>
      <pre className="max-h-80 overflow-auto rounded-md bg-slate-100 p-3 font-mono text-xs" data-testid="setup-test-claims">
        {JSON.stringify(test.claims, null, 2)}
      </pre>
    </div>
  );
}
