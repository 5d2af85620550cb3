import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { SignInEmailForm } from "@/components/sign-in-email-form";
import { SignInErrorExplanation } from "@/components/sign-in-error-explanation";
import { BUTTON_CLASSES, SignInLink } from "@/components/sign-in-link";
import { getCurrentSession } from "@/lib/access/current-session";
import { getDb } from "@/lib/db";
import { getEnv } from "@/lib/config/env";
import { safeCallbackPath } from "@/lib/http/callback-url";
import { hasOrganisationConnections, signInChoicesOf } from "@/lib/organisations/home-realm";
import { lastOrganisationCookieName } from "@/lib/sign-in/last-organisation-cookie";
import { loginPath } from "@/lib/sign-in/sign-in-routes";
import { ENVIRONMENT_CONNECTION_ID } from "@/lib/organisations/operator-organisation";

type Query = { callbackUrl?: string | string[]; error?: string | string[]; org?: string | string[]; unknown_domain?: string | string[]; setup?: string | string[] };
type Props = { searchParams: Promise<Query> };

const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

/** An organisation's sign-ins to choose from (`?org=SLUG`, the remembered organisation, an email with several). */
async function OrganisationChoices({ slug, callbackUrl, remembered }: { slug: string; callbackUrl: string; remembered: boolean }) {
  const choices = await signInChoicesOf(getDb(), slug);
  if (!choices || choices.connections.length === 0) return remembered ? null : <p className="text-slate-700" data-testid="sign-in-unknown-organisation">No organisation signs in with this address. Type your work email below.</p>;
  return (
    <div className="space-y-3" data-testid="sign-in-choices">
      <p className="text-slate-700">
        {remembered ? "Last time you signed in with " : "Sign in with "}
        <strong>{choices.organisation.name}</strong>:
      </p>
      <div className="flex flex-wrap gap-3">
        {choices.connections.map((choice) => (
          <a key={choice.connectionId} href={loginPath(choice.connectionId, callbackUrl)} className={BUTTON_CLASSES}>
            {choice.displayName}
          </a>
        ))}
      </div>
    </div>
  );
}

export default async function SignInPage({ searchParams }: Props) {
  const query = await searchParams;
  const error = first(query.error);
  if (!error && (await getCurrentSession()).status === "signed-in") redirect("/profile");
  const callbackUrl = safeCallbackPath(first(query.callbackUrl), getEnv().authUrl);
  const emailStep = await hasOrganisationConnections(getDb()).catch(() => false);
  const org = first(query.org);
  const remembered = (await cookies()).get(lastOrganisationCookieName(getEnv().secureCookies))?.value;
  return (
    <section className="space-y-6">
      <h1 className="text-2xl font-bold tracking-tight">Sign in</h1>
      {error ? <SignInErrorExplanation code={error} /> : null}
      {first(query.setup) === "done" ? (
        <p role="status" data-testid="setup-done" className="rounded-lg border border-emerald-200 bg-emerald-50 p-4 text-emerald-900">
          Your organisation&apos;s sign-in is active, and you are its first admin. Sign in with it below.
        </p>
      ) : null}
      {!emailStep ? (
        <>
          <p className="text-slate-700">You will be sent to your organisation&apos;s sign-in page and brought back here.</p>
          <SignInLink href={loginPath(ENVIRONMENT_CONNECTION_ID, callbackUrl)} />
        </>
      ) : (
        <>
          {first(query.unknown_domain) ? (
            <p role="alert" data-testid="sign-in-unknown-domain" className="rounded-lg border border-amber-200 bg-amber-50 p-4 text-amber-900">
              No organisation signs in people with that email&apos;s domain here. Check the address, or ask your administrator which address to use.
            </p>
          ) : null}
          {org || remembered ? <OrganisationChoices slug={(org ?? remembered)!} callbackUrl={callbackUrl} remembered={!org} /> : null}
          <p className="text-slate-700">Type your work email: you will be sent to your organisation&apos;s sign-in page and brought back here.</p>
          <SignInEmailForm callbackUrl={callbackUrl} />
        </>
      )}
    </section>
  );
}
