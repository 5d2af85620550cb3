import type { Env } from "../config/env";
import { strictTransportSecurity } from "./security-headers.mjs";

/**
 * The headers that depend on the configuration at run time, so cannot come from
 * next.config.mjs (built once): HSTS when AUTH_URL is https, and X-Instance when INSTANCE_ID
 * is set (which instance of several answered: for operators and the deployment tests).
 * Set in one place for every response the server sends (pages, API, the JWKS, static
 * files): the request observer (lib/observability/request-observer.ts) puts them on each.
 */
export function runtimeHeaders(env: Pick<Env, "secureCookies" | "instanceId">): Record<string, string> {
  const headers: Record<string, string> = {};
  const hsts = strictTransportSecurity({ https: env.secureCookies });
  if (hsts) headers["Strict-Transport-Security"] = hsts;
  if (env.instanceId) headers["X-Instance"] = env.instanceId;
  return headers;
}
