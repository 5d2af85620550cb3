import type { Env } from "../config/env";
import { getApiTokenKeys } from "./api-token-keys";
import type { AuthenticationOptions } from "./authenticate-request";
import { ExpiringCache } from "../expiring-cache";

/**
 * Bounds the memory of the verified-token cache (about 1 KB an entry, one cache in the
 * middleware and one in the route handlers). A process seeing more distinct live tokens than
 * this still serves them all; the extra ones just pay for their cryptography.
 */
export const VERIFIED_TOKEN_CACHE_MAX_ENTRIES = 4096;

/** The API's own issuer and audience: tokens from this app for this app's API. */
export function accessTokenSettings(env: Env) {
  return { issuer: env.authUrl, audience: `${env.authUrl}/api` };
}

let memo: { env: Env; options: Promise<AuthenticationOptions> } | undefined;

/**
 * What the middleware and the guard need to authenticate a request, built once per process
 * (per configuration): keys imported once, one bounded verified-token cache.
 */
export function authenticationOptions(env: Env): Promise<AuthenticationOptions> {
  if (memo?.env !== env) {
    memo = {
      env,
      options: getApiTokenKeys(env).then((keys) => ({
        secret: env.authSecret,
        secureCookies: env.secureCookies,
        sessionAbsoluteLifetimeSeconds: env.sessionAbsoluteLifetimeHours * 3600,
        apiTokens: { ...accessTokenSettings(env), keys },
        cache: new ExpiringCache(VERIFIED_TOKEN_CACHE_MAX_ENTRIES),
      })),
    };
  }
  return memo.options;
}
