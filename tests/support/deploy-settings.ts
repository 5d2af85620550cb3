import { E2E } from "./e2e-settings";

// Ports apart from the other suites'; DEPLOY_BASE_PORT moves them all (base … base+5, and the IdP's).
const base = Number(process.env.DEPLOY_BASE_PORT ?? 3190);
const oidcPort = Number(process.env.DEPLOY_OIDC_PORT ?? 9490);

/**
 * The suite's identity provider: the bundled one (started by the suite), or any other named by
 * DEPLOY_OIDC_ISSUER, with a client registered there for this suite and a user who signs in
 * with a login and a password on one form (see README, "Running several instances").
 */
function identityProvider() {
  const issuer = process.env.DEPLOY_OIDC_ISSUER;
  if (!issuer) {
    return {
      bundled: true,
      issuer: `http://127.0.0.1:${oidcPort}`,
      clientId: "voicesurveyagent-deploy",
      clientSecret: "deploy-client-secret-0123456789",
      user: { login: "bob@example.com", password: "bob", email: "bob@example.com" },
    } as const;
  }
  const required = (name: string) => {
    const value = process.env[name];
    if (!value) throw new Error(`${name} is required with DEPLOY_OIDC_ISSUER: set it to the ${name.replace("DEPLOY_", "").toLowerCase().replace(/_/g, " ")} registered at ${issuer} for this suite`);
    return value;
  };
  const login = required("DEPLOY_USER_LOGIN");
  return {
    bundled: false,
    issuer,
    clientId: required("DEPLOY_OIDC_CLIENT_ID"),
    clientSecret: required("DEPLOY_OIDC_CLIENT_SECRET"),
    user: { login, password: required("DEPLOY_USER_PASSWORD"), email: process.env.DEPLOY_USER_EMAIL ?? login },
  } as const;
}

const idp = identityProvider();

/** The deployment suite's topology: nginx in front of two instances and a reports app, one IdP, one database. */
export const DEPLOY = {
  nginxPort: base,
  instancePorts: { a: base + 1, b: base + 2 },
  reportsPort: base + 3,
  /** Each instance's forward-auth listener (FORWARD_AUTH_PORT): nginx's auth_request goes there. */
  forwardAuthPorts: { a: base + 4, b: base + 5 },
  oidcPort,
  /** What browsers and API clients use: nginx. */
  url: `http://localhost:${base}`,
  /** Whether the suite starts the bundled provider (no DEPLOY_OIDC_ISSUER). */
  bundledProvider: idp.bundled,
  issuer: idp.issuer,
  clientId: idp.clientId,
  clientSecret: idp.clientSecret,
  /** Who signs in: a user the app makes a viewer (the suite's database, no INITIAL_ADMIN_EMAILS, no role claim). */
  user: idp.user,
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
    FORWARD_AUTH_PORT: `127.0.0.1:${DEPLOY.forwardAuthPorts[name]}`,
    RATE_LIMIT_REFRESH: "off",
  };
}
