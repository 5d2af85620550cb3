/**
 * Playwright's web server entry for the bundled development provider: on `port` (its issuer is
 * `issuer`), with one client, sending browsers back to `appUrls` (the first also receives its
 * back-channel logouts), and optionally a second one that gets no refresh tokens.
 */
export function bundledProviderServer(provider: { issuer: string; port: number; appUrls: string[]; clientId: string; clientSecret: string; noRefreshClientId?: string }) {
  return {
    command: "node scripts/dev/oidc-provider.mjs",
    url: `${provider.issuer}/.well-known/openid-configuration`,
    env: {
      DEV_OIDC_PORT: String(provider.port),
      DEV_OIDC_APP_URLS: provider.appUrls.join(","),
      OIDC_CLIENT_ID: provider.clientId,
      OIDC_CLIENT_SECRET: provider.clientSecret,
      DEV_OIDC_NO_REFRESH_CLIENT_ID: provider.noRefreshClientId ?? "",
    },
    reuseExistingServer: false,
    timeout: 30_000,
  };
}
