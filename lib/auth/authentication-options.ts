import type { Env } from "../env";
import { getApiTokenKeys } from "./api-token-keys";
import type { AuthenticationOptions } from "./authenticate-request";

/** The API's own issuer and audience: tokens from this app for this app's API. */
export function accessTokenSettings(env: Env) {
  return { issuer: env.authUrl, audience: `${env.authUrl}/api` };
}

/** What the middleware and the guard need to authenticate a request; keys are imported once. */
export async function authenticationOptions(env: Env): Promise<AuthenticationOptions> {
  return {
    secret: env.authSecret,
    secureCookies: env.secureCookies,
    apiTokens: { ...accessTokenSettings(env), keys: await getApiTokenKeys(env) },
  };
}
