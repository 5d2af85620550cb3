import { AUTH_BASE_PATH, OIDC_PROVIDER_ID } from "./auth-config";

/** What a customer registers at their IdP for the console, the same for every connection (docs/organisations.md lists them too). */
export function idpRegistrationValues(appUrl: string): [string, string][] {
  return [
    ["Redirect (callback) URI", `${appUrl}${AUTH_BASE_PATH}/callback/${OIDC_PROVIDER_ID}`],
    ["Back-channel logout URI (session required)", `${appUrl}${AUTH_BASE_PATH}/backchannel-logout`],
    ["Post-logout redirect URI", `${appUrl}/`],
    ["Initiate login URI", `${appUrl}${AUTH_BASE_PATH}/initiate`],
    ["Grant and client authentication", "authorization code with PKCE (S256); client_secret_basic"],
    ["Scopes", "openid email profile (and what your role claim needs)"],
  ];
}
