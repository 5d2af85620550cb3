import { defineConfig } from "@playwright/test";
import { bundledProviderServer } from "./tests/support/bundled-provider-server";
import { E2E, HOSTILE_APP_ENV } from "./tests/support/e2e-settings";
import { BROWSER, requireDatabaseUrl } from "./tests/support/playwright-browser";

const databaseUrl = requireDatabaseUrl();

export default defineConfig({
  testDir: "tests/e2e",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: !!process.env.CI,
  reporter: [["list"], ["json", { outputFile: "reports/playwright.json" }]],
  timeout: 30_000,
  globalSetup: "./tests/e2e/global-setup.ts",
  use: { baseURL: E2E.appUrl, ...BROWSER },
  webServer: [
    bundledProviderServer({
      issuer: E2E.issuer,
      port: E2E.oidcPort,
      // The main app first: the provider sends its back-channel logouts there.
      appUrls: [E2E.appUrl, E2E.roleMappingAppUrl, E2E.noRefreshAppUrl],
      clientId: E2E.appEnv.OIDC_CLIENT_ID,
      clientSecret: E2E.appEnv.OIDC_CLIENT_SECRET,
      noRefreshClientId: E2E.noRefreshClientId,
    }),
    {
      command: `node scripts/prisma.mjs migrate deploy && node node_modules/next/dist/bin/next build && node node_modules/next/dist/bin/next start --port ${E2E.appPort}`,
      url: `${E2E.appUrl}/api/health`,
      env: { ...E2E.appEnv, DATABASE_URL: databaseUrl, FORWARD_AUTH_PORT: `127.0.0.1:${E2E.forwardAuthPort}` },
      reuseExistingServer: false,
      timeout: 240_000,
      stdout: "pipe",
    },
    // Started after the build above (Playwright starts web servers one after another).
    {
      command: "node tests/support/hostile-oidc-provider.mjs",
      url: `${E2E.hostile.issuer}/.well-known/openid-configuration`,
      env: {
        HOSTILE_OIDC_PORT: String(E2E.hostile.oidcPort),
        HOSTILE_OIDC_CLIENT_ID: E2E.hostile.clientId,
        HOSTILE_OIDC_CLIENT_SECRET: E2E.hostile.clientSecret,
        HOSTILE_OIDC_REDIRECT_URI: `${E2E.hostile.appUrl}/api/auth/callback/oidc`,
      },
      reuseExistingServer: false,
      timeout: 30_000,
    },
    {
      command: `mkdir -p reports && exec node node_modules/next/dist/bin/next start --port ${E2E.hostile.appPort} > ${E2E.hostile.logFile} 2>&1`,
      url: `${E2E.hostile.appUrl}/api/health`,
      env: { ...HOSTILE_APP_ENV, DATABASE_URL: databaseUrl },
      reuseExistingServer: false,
      timeout: 60_000,
    },
  ],
});
