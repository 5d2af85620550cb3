import { Auth, raw, skipCSRFCheck, type AuthConfig } from "@auth/core";
import type { NextResponse } from "next/server";
import type { ResponseInternal } from "@auth/core/types";
import { authLogger } from "./auth-logger";
import { noStoreRedirect } from "../http/no-store";

export type AuthActionOutcome = { ok: true; result: ResponseInternal } | { ok: false; error: unknown };

/**
 * Runs one Auth.js action and hands back either its raw result (redirect and cookies, which
 * the caller relays) or the error that stopped it. Auth.js turns some failures into a thrown
 * AuthError and others into a ready-made redirect to its error page; its logger sees every
 * one first, so it is used here to keep the error itself (and print nothing: the caller logs
 * the classified refusal once).
 */
export async function runAuthAction(request: Request, config: AuthConfig, options: { skipCsrfCheck?: boolean } = {}): Promise<AuthActionOutcome> {
  let logged: unknown;
  const logger = { ...authLogger, error: (error: Error) => void (logged ??= error) };
  try {
    const result = await Auth(request, { ...config, logger, raw, ...(options.skipCsrfCheck ? { skipCSRFCheck } : {}) });
    if (result instanceof Response) return { ok: false, error: logged ?? new Error(`Auth.js answered HTTP ${result.status}`) };
    return { ok: true, result };
  } catch (error) {
    return { ok: false, error: logged ?? error };
  }
}

/** Relays a successful action to the browser: Auth.js's redirect with its cookies, never cached. */
export function relayAuthRedirect(result: ResponseInternal, redirect: string): NextResponse {
  const response = noStoreRedirect(redirect, 302);
  for (const cookie of result.cookies ?? []) response.cookies.set(cookie.name, cookie.value, cookie.options);
  return response;
}
