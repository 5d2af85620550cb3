import { defineConfig } from "@playwright/test";
import { bundledProviderServer } from "./tests/support/bundled-provider-server";
import { DEPLOY } from "./tests/support/deploy-settings";
import { BROWSER, requireDatabaseUrl } from "./tests/support/playwright-browser";

const databaseUrl = requireDatabaseUrl();

// `npm run test:deploy`: the production build as it is deployed — nginx (Debian's package)
// round-robin in front of two instances on one PostgreSQL, with deploy/nginx-console.conf also
// guarding another app through forward auth. The instances are started by the suite itself
// (tests/deploy/deployment.spec.ts), which kills and restarts them.

/** The bundled provider, unless DEPLOY_OIDC_ISSUER names another. */
const bundledProvider = bundledProviderServer({
  issuer: DEPLOY.issuer,
  port: DEPLOY.oidcPort,
  appUrls: [DEPLOY.url],
  clientId: DEPLOY.clientId,
  clientSecret: DEPLOY.clientSecret,
});

export default defineConfig({
  testDir: "tests/deploy",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: !!process.env.CI,
  reporter: [["list"], ["json", { outputFile: "reports/playwright-deploy.json" }]],
  timeout: 60_000,
  globalSetup: "./tests/deploy/global-setup.ts",
  use: { baseURL: DEPLOY.url, ...BROWSER },
  webServer: [
    ...(DEPLOY.bundledProvider ? [bundledProvider] : []),
    {
      command: `node tests/support/start-nginx.mjs ${DEPLOY.nginxPort} ${DEPLOY.instancePorts.a} ${DEPLOY.instancePorts.b} ${DEPLOY.reportsPort} ${DEPLOY.forwardAuthPorts.a} ${DEPLOY.forwardAuthPorts.b} ${DEPLOY.nginxPrefix}`,
      port: DEPLOY.nginxPort,
      env: { DATABASE_URL: databaseUrl },
      reuseExistingServer: false,
      timeout: 30_000,
    },
  ],
});
