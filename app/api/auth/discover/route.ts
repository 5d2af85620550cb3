import { NextResponse, type NextRequest } from "next/server";
import { getDb } from "@/lib/db";
import { getEnv } from "@/lib/config/env";
import { readLimitedForm } from "@/lib/http/body-limit";
import { safeCallbackPath } from "@/lib/http/callback-url";
import { escapeHtml } from "@/lib/http/escape-html";
import { NO_STORE, noStoreRedirect } from "@/lib/http/no-store";
import { homeRealmOf } from "@/lib/organisations/home-realm";
import { ENVIRONMENT_CONNECTION_ID } from "@/lib/organisations/operator-organisation";
import { limitRequest } from "@/lib/rate-limits/limit-request";
import { lastOrganisationCookie } from "@/lib/sign-in/last-organisation-cookie";
import { loginPath } from "@/lib/sign-in/sign-in-routes";

/**
 * On to the login endpoint, as a page that goes on by itself rather than a redirect: the
 * login endpoint redirects to the IdP, another origin, and a form's redirects may not leave
 * this origin (Content-Security-Policy form-action 'self'), which a refresh is not bound by.
 */
function continueToSignIn(path: string): NextResponse {
  const href = escapeHtml(path);
  const page = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="0;url=${href}"><title>Signing in</title></head>
<body><p>On to your organisation's sign-in… <a href="${href}" data-testid="continue-to-sign-in">Continue</a></p></body></html>`;
  return new NextResponse(page, { status: 200, headers: { "Content-Type": "text/html; charset=utf-8", "Cache-Control": NO_STORE["Cache-Control"] } });
}

/**
 * POST /api/auth/discover (the sign-in page's email form): sends the browser on to the
 * sign-in of the organisation whose verified domain the email has, with the email as
 * login_hint; to the choice of its sign-ins when it has several; back to /signin with
 * `unknown_domain` when none signs that domain in. A POST, so the email is in no URL we log.
 */
export async function POST(request: NextRequest) {
  const env = getEnv();
  // Each answer leads to a sign-in start: counted with them.
  const refusal = await limitRequest(request, "login", env);
  if (refusal) return refusal;
  const read = await readLimitedForm(request);
  if (!read.ok) return read.response;
  const { form } = read;
  const email = (form.get("email") ?? "").trim().slice(0, 254);
  const callbackUrl = safeCallbackPath(form.get("callbackUrl"), env.authUrl);
  const to = (path: string) => noStoreRedirect(`${env.authUrl}${path}`, 303);
  const realm = await homeRealmOf(getDb(), email);
  if (realm.kind === "environment") return continueToSignIn(loginPath(ENVIRONMENT_CONNECTION_ID, callbackUrl, email));
  if (realm.kind === "unknown" || realm.connections.length === 0) return to(`/signin?${new URLSearchParams({ unknown_domain: "1", callbackUrl })}`);
  const response =
    realm.connections.length === 1
      ? continueToSignIn(loginPath(realm.connections[0]!.connectionId, callbackUrl, email))
      : to(`/signin?${new URLSearchParams({ org: realm.organisation.slug, callbackUrl })}`);
  const remembered = lastOrganisationCookie(realm.organisation.slug, env.secureCookies);
  response.cookies.set(remembered.name, remembered.value, remembered.options);
  return response;
}
