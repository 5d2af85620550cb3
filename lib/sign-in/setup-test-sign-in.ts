import "server-only";
import type { NextAuthConfig } from "next-auth";
import type { NextRequest, NextResponse } from "next/server";
import type { Db } from "../db";
import type { Env } from "../config/env";
import { noStoreRedirect } from "../http/no-store";
import { getLogger } from "../observability/logger";
import { verifiedEmail } from "../oidc/verified-email";
import type { Connection } from "../organisations/connection";
import type { SetupLink } from "../organisation-admin/setup-links";
import { recordSetupTest, type SetupTestResult } from "../organisation-admin/setup-steps";
import { buildAuthJsConfig } from "./auth-config";
import { classifySignInError } from "./classify-sign-in-error";
import { callbackParams, exchangeCode, type SignInContext } from "./complete-sign-in";
import { clearPendingSignInCookies } from "./refuse-sign-in";
import type { AuthActionOutcome } from "./run-auth-action";

/**
 * The callback of a setup link's test sign-in: the whole protocol and every ID-token check of
 * a real sign-in (the same Auth.js run with the connection's own verified-token hook), but its
 * signIn callback keeps the claims and stops there, before any user, account or session could
 * be made. The holder goes back to /setup, which shows the claims, the role the mapping gives
 * and whether the connection may sign that email in. A refusal is shown there by its code.
 */
export async function completeSetupTestSignIn(
  db: Db,
  request: NextRequest,
  body: string | undefined,
  env: Env,
  context: SignInContext,
  connection: Connection,
  link: SetupLink,
): Promise<NextResponse> {
  const seen: { subject?: string; claims?: Record<string, unknown> } = {};
  const edge = buildAuthJsConfig(env, connection);
  const config: NextAuthConfig = {
    ...edge,
    callbacks: {
      ...edge.callbacks,
      signIn({ account, profile }) {
        seen.subject = account?.providerAccountId;
        seen.claims = profile ? { ...profile } : undefined;
        return `${env.authUrl}/setup`;
      },
    },
  };
  let outcome: AuthActionOutcome;
  try {
    outcome = await exchangeCode(request, body, config, context);
  } catch (error) {
    outcome = { ok: false, error };
  }
  let result: SetupTestResult;
  if (outcome.ok && seen.subject && seen.claims) {
    const name = typeof seen.claims.name === "string" ? seen.claims.name.slice(0, 200) : null;
    result = { ok: true, subject: seen.subject, email: verifiedEmail(seen.claims), name, claims: seen.claims, connectionVersion: connection.version };
  } else {
    const failure = outcome.ok ? { code: "server_error" as const, reason: "no_profile" } : classifySignInError(outcome.error, callbackParams(request, body));
    getLogger().warn({ event: "setup_test_sign_in_refused", code: failure.code, reason: failure.reason, setupLinkId: link.id, requestId: context.requestId });
    result = { ok: false, code: failure.reason ? `${failure.code}/${failure.reason}` : failure.code };
  }
  await recordSetupTest(db, link, result, context.auditRequest);
  const response = noStoreRedirect(`${env.authUrl}/setup`, 302);
  if (outcome.ok) for (const cookie of outcome.result.cookies ?? []) response.cookies.set(cookie.name, cookie.value, cookie.options);
  return clearPendingSignInCookies(response, request.cookies, context.secureCookies);
}
