import type { Env } from "../env";
import { strictTransportSecurity } from "../security-headers.mjs";

/**
 * The headers that depend on the configuration at run time, so cannot come from
 * next.config.mjs (built once): HSTS when AUTH_URL is https, and X-Instance when INSTANCE_ID
 * is set (which instance of several answered: for operators and the deployment tests).
 * The middleware adds them to what it answers or passes on; a route it does not run for
 * (the sign-in callback) adds them itself. Edge-safe.
 */
export function withRuntimeHeaders<R extends Response>(response: R, env: Env): R {
  const hsts = strictTransportSecurity({ https: env.secureCookies });
  if (hsts) response.headers.set("Strict-Transport-Security", hsts);
  if (env.instanceId) response.headers.set("X-Instance", env.instanceId);
  return response;
}
