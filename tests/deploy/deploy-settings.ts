import { E2E } from "../e2e/e2e-settings";

// Ports apart from the other suites'; DEPLOY_BASE_PORT moves them all (base … base+3, and the IdP's).
const base = Number(process.env.DEPLOY_BASE_PORT ?? 3190);
const oidcPort = Number(process.env.DEPLOY_OIDC_PORT ?? 9490);

/** The deployment suite's topology: nginx in front of two instances and a reports app, one IdP, one database. */
export const DEPLOY = {
  nginxPort: base,
  instancePorts: { a: base + 1, b: base + 2 },
  reportsPort: base + 3,
  oidcPort,
  /** What browsers and API clients use: nginx. */
  url: `http://localhost:${base}`,
  issuer: `http://127.0.0.1:${oidcPort}`,
  clientId: "voicesurveyagent-deploy",
  clientSecret: "deploy-client-secret-0123456789",
  nginxPrefix: "reports/nginx",
} as const;

/** Each instance's configuration: the production build behind nginx, as an operator would run it. */
export function instanceEnv(name: "a" | "b"): Record<string, string> {
  return {
    ...E2E.appEnv,
    AUTH_URL: DEPLOY.url,
    OIDC_ISSUER: DEPLOY.issuer,
    OIDC_CLIENT_ID: DEPLOY.clientId,
    OIDC_CLIENT_SECRET: DEPLOY.clientSecret,
    TRUSTED_PROXY_COUNT: "1",
    INSTANCE_ID: name,
    RATE_LIMIT_REFRESH: "off",
  };
}
