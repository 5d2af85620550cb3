import "server-only";
import type { NextRequest } from "next/server";
import { auditRequestOf } from "../audit/audit-request";
import { isSameOriginRequest } from "../access/same-origin";
import { getDb } from "../db";
import { getEnv, type Env } from "../config/env";
import { readLimitedForm } from "../http/body-limit";
import { noStoreRedirect } from "../http/no-store";
import { setupLinkOfRequest } from "./setup-connection";
import type { SetupLink } from "./setup-links";

/** Back to the setup page, with the outcome of the step for it to show (codes and plain words, never a secret). */
export function backToSetup(env: Pick<Env, "authUrl">, outcome: Record<string, string> = {}) {
  const query = new URLSearchParams(outcome);
  return noStoreRedirect(`${env.authUrl}/setup${query.size ? `?${query}` : ""}`, 303);
}

/**
 * A setup page form's POST: from this app's own page (Origin, as the admin routes' CSRF
 * check), by the holder of a usable setup link (its cookie), with the form's fields. Every
 * refusal goes back to the page, which explains it.
 */
export async function setupFormStep(
  request: NextRequest,
  step: (context: { link: SetupLink; form: URLSearchParams; env: Env; auditRequest: ReturnType<typeof auditRequestOf> }) => Promise<Response>,
): Promise<Response> {
  const env = getEnv();
  if (!isSameOriginRequest(request, env.authUrl)) return backToSetup(env, { error: "cross_site" });
  const opened = await setupLinkOfRequest(getDb(), env, request.cookies);
  if (!opened.ok) return backToSetup(env, { error: opened.code });
  const read = await readLimitedForm(request);
  if (!read.ok) return backToSetup(env, { error: "payload_too_large" });
  return step({ link: opened.link, form: read.form, env, auditRequest: auditRequestOf(request, env) });
}
