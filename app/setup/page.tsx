import type { Metadata } from "next";
import { cookies } from "next/headers";
import { SetupLinkOpener } from "@/components/setup/setup-link-opener";
import { SetupConnectionForm } from "@/components/setup/setup-connection-form";
import { SetupTestResult } from "@/components/setup/setup-test-result";
import { BUTTON_CLASSES } from "@/components/sign-in-link";
import { getDb } from "@/lib/db";
import { getEnv } from "@/lib/config/env";
import { API_ERRORS } from "@/lib/errors/api-errors";
import { setupLinkOfRequest } from "@/lib/organisation-admin/setup-connection";
import { SETUP_BLOCKER_MESSAGES, setupStatus } from "@/lib/organisation-admin/setup-status";
import { idpRegistrationValues } from "@/lib/sign-in/idp-registration";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Set up your organisation's sign-in · VoiceSurveyAgent console" };

type Query = { error?: string; detail?: string; saved?: string; verified?: string };
const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

function StepOutcome({ query }: { query: Query }) {
  if (query.error) {
    const known = (API_ERRORS as Record<string, { message: string }>)[query.error]?.message ?? (SETUP_BLOCKER_MESSAGES as Record<string, string>)[query.error];
    return (
      <p role="alert" data-testid="setup-error" data-code={query.error} className="rounded-lg border border-amber-200 bg-amber-50 p-4 text-amber-900">
        <code>{query.error}</code>: {query.detail ?? known ?? "That step did not work."}
      </p>
    );
  }
  const done = query.saved ? "Saved, and your identity provider's discovery document checks out." : query.verified ? "The domain is verified." : null;
  return done ? (
    <p role="status" data-testid="setup-notice" className="rounded-lg border border-emerald-200 bg-emerald-50 p-4 text-emerald-900">
      {done}
    </p>
  ) : null;
}

const h2 = "text-lg font-semibold";
const cell = "px-3 py-1.5 align-top";

/**
 * A setup link's page, for a customer's IT admin who has no account yet: what to register at
 * their IdP, their IdP's settings, their domain's proof, a test sign-in that shows the claims
 * and the role they would get, and activation. Every step is a plain form (no script needed,
 * but for taking the token out of the address).
 */
export default async function SetupPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const raw = await searchParams;
  const query: Query = { error: first(raw.error), detail: first(raw.detail), saved: first(raw.saved), verified: first(raw.verified) };
  const env = getEnv();
  const opened = await setupLinkOfRequest(getDb(), env, await cookies());
  if (!opened.ok) {
    return (
      <section className="space-y-6">
        <h1 className="text-2xl font-bold tracking-tight">Set up your organisation&apos;s sign-in</h1>
        <SetupLinkOpener />
        <p className="text-slate-700" data-testid="setup-closed">
          {opened.code === "setup_link_unknown" ? "Open the setup link you were sent (all of it, with the part after #)." : API_ERRORS[opened.code].message}
        </p>
      </section>
    );
  }
  const { link } = opened;
  const status = await setupStatus(getDb(), env, link);
  const { blockers } = status;
  return (
    <section className="space-y-8" data-testid="setup">
      <SetupLinkOpener />
      <header className="space-y-1">
        <h1 className="text-2xl font-bold tracking-tight">Set up {link.organisation.name}&apos;s sign-in</h1>
        <p className="text-sm text-slate-600">This link works until {link.expiresAt.toISOString().slice(0, 16).replace("T", " ")} UTC, and once: activating the sign-in uses it up.</p>
      </header>
      <StepOutcome query={query} />

      <article className="space-y-3">
        <h2 className={h2}>1. Register the console at your identity provider</h2>
        <table className="text-sm" data-testid="setup-registration">
          <tbody>
            {idpRegistrationValues(env.authUrl).map(([what, value]) => (
              <tr key={what}>
                <th className={`${cell} text-left font-medium text-slate-700`}>{what}</th>
                <td className={`${cell} font-mono`}>{value}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </article>

      <article className="space-y-3">
        <h2 className={h2}>2. Your identity provider&apos;s settings</h2>
        <SetupConnectionForm connection={status.connection} />
      </article>

      {status.connection ? (
        <article className="space-y-3">
          <h2 className={h2}>3. Prove your domain</h2>
          <ul className="space-y-2 text-sm" data-testid="setup-domains">
            {status.connection.domains.map((domain) => (
              <li key={domain.domain} data-domain={domain.domain} data-verified={domain.verifiedAt ? "true" : "false"}>
                <strong>{domain.domain}</strong>:{" "}
                {domain.verifiedAt ? (
                  "verified"
                ) : (
                  <>
                    publish <code className="font-mono">{domain.recordName} TXT &quot;{domain.token}&quot;</code>
                    {domain.lastCheckOutcome ? ` (last check: ${domain.lastCheckOutcome})` : ""}
                  </>
                )}
              </li>
            ))}
          </ul>
          <form method="post" action="/api/setup/domains">
            <button type="submit" className={BUTTON_CLASSES}>
              Check DNS
            </button>
          </form>
        </article>
      ) : null}

      {status.connection ? (
        <article className="space-y-3">
          <h2 className={h2}>4. Test sign-in</h2>
          <p className="text-sm text-slate-700">Sign in at your identity provider with your own work account: this shows what it sends and the role you would get. It creates no account.</p>
          {/* eslint-disable-next-line @next/next/no-html-link-for-pages -- a route handler that redirects to the IdP, not a page */}
          <a href="/api/setup/test-sign-in" className={BUTTON_CLASSES} data-testid="setup-test-sign-in">
            Test sign-in
          </a>
          <SetupTestResult test={status.test} refusal={link.testRefusal} mappedRole={status.mappedRole} />
        </article>
      ) : null}

      <article className="space-y-3">
        <h2 className={h2}>5. Activate</h2>
        {blockers.length > 0 ? (
          <ul className="list-disc space-y-1 pl-6 text-sm text-slate-700" data-testid="setup-blockers">
            {blockers.map((blocker) => (
              <li key={blocker} data-code={blocker}>
                {SETUP_BLOCKER_MESSAGES[blocker]}
              </li>
            ))}
          </ul>
        ) : (
          <p className="text-sm text-slate-700">Everything checks out. Activating switches the sign-in on for your organisation and makes you its first admin.</p>
        )}
        <form method="post" action="/api/setup/activate">
          <button type="submit" className={BUTTON_CLASSES} disabled={blockers.length > 0}>
            Activate
          </button>
        </form>
      </article>
    </section>
  );
}
