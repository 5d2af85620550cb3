import type { NextRequest } from "next/server";
import { getDb } from "@/lib/db";
import { getEnv } from "@/lib/config/env";
import { readLimitedForm } from "@/lib/http/body-limit";
import { noStoreRedirect } from "@/lib/http/no-store";
import { findConnectionIdByIssuer } from "@/lib/organisations/find-connection";
import { limitRequest } from "@/lib/rate-limits/limit-request";
import { signInContextOf } from "@/lib/sign-in/complete-sign-in";
import { refuseSignIn } from "@/lib/sign-in/refuse-sign-in";
import { connectionForSignIn } from "@/lib/sign-in/sign-in-connection";
import { loginPath } from "@/lib/sign-in/sign-in-routes";
import { safeCallbackPath } from "@/lib/http/callback-url";

/**
 * OpenID Connect Core §4, third-party initiated login: an IdP's app tile sends the browser
 * here with `iss` (and optionally `login_hint` and `target_link_uri`); the console starts its
 * normal code flow (state, nonce, PKCE, bound to that connection) at that issuer. Unknown or
 * disabled issuers are refused (connection_unavailable); `target_link_uri` is followed only to
 * a page of this console, else the profile.
 */
async function initiate(request: NextRequest) {
  const env = getEnv();
  const refusal = await limitRequest(request, "login", env);
  if (refusal) return refusal;
  let params = request.nextUrl.searchParams;
  if (request.method === "POST") {
    const read = await readLimitedForm(request);
    if (!read.ok) return read.response;
    params = read.form;
  }
  const context = signInContextOf(request, env);
  const refuse = (reason: string) => refuseSignIn({ code: "connection_unavailable", reason }, { ...context, cookies: request.cookies, stage: "login" });
  const issuer = params.get("iss");
  if (!issuer) return refuse("unknown");
  const found = await findConnectionIdByIssuer(getDb(), env, issuer);
  if (found === "ambiguous") return refuse("ambiguous");
  if (!found) return refuse("unknown");
  const chosen = await connectionForSignIn(getDb(), env, found.id, context.requestId);
  if (!chosen.ok) return refuseSignIn(chosen.failure, { ...context, cookies: request.cookies, stage: "login" });
  const target = safeCallbackPath(params.get("target_link_uri"), env.authUrl);
  return noStoreRedirect(`${env.authUrl}${loginPath(chosen.connection.id, target, params.get("login_hint")?.slice(0, 254) || undefined)}`, 303);
}

export const GET = initiate;
export const POST = initiate;
