import { devIssuer } from "../../lib/config/dev-defaults.mjs";

// Ports apart from `npm run dev`'s, so the tests can run beside a development server;
// E2E_APP_PORT / E2E_OIDC_PORT move them (two checkouts testing side by side).
const appPort = Number(process.env.E2E_APP_PORT ?? 3100);
const oidcPort = Number(process.env.E2E_OIDC_PORT ?? 9410);
// The hostile-provider suite: a second instance of the same build, against a misbehaving IdP.
const hostileAppPort = Number(process.env.E2E_HOSTILE_APP_PORT ?? 3110);
// The main instance's forward-auth listener (FORWARD_AUTH_PORT), in the main instance's env only:
// every other instance of the suite would contend for it.
const forwardAuthPort = Number(process.env.E2E_FORWARD_AUTH_PORT ?? appPort + 9);
const hostileOidcPort = Number(process.env.E2E_HOSTILE_OIDC_PORT ?? 9430);
// The second organisation's identity provider (organisations.spec.ts starts it).
const acmeOidcPort = Number(process.env.E2E_ACME_OIDC_PORT ?? 9440);
// The third, set up through a setup link (setup-links.spec.ts starts it), and the DNS server
// on loopback that holds its domain's TXT record (the app asks it: DNS_SERVERS).
const globexOidcPort = Number(process.env.E2E_GLOBEX_OIDC_PORT ?? acmeOidcPort + 1);
const dnsPort = Number(process.env.E2E_DNS_PORT ?? 9450);

export const E2E = {
  appPort,
  oidcPort,
  appUrl: `http://localhost:${appPort}`,
  forwardAuthPort,
  /** The forward-auth listener of the main instance: /api/auth/verify outside Next's pipeline. */
  forwardAuthUrl: `http://127.0.0.1:${forwardAuthPort}`,
  /** A second instance of the build that takes roles from the bundled provider's groups (roles-from-idp.spec.ts). */
  roleMappingAppUrl: `http://localhost:${appPort + 3}`,
  /** A third, signing in as a client the bundled provider gives no refresh token (api-tokens-without-idp-refresh.spec.ts). */
  noRefreshAppUrl: `http://localhost:${appPort + 4}`,
  noRefreshClientId: "voicesurveyagent-e2e-no-refresh",
  issuer: devIssuer(oidcPort),
  acmeOidcPort,
  acmeIssuer: devIssuer(acmeOidcPort),
  globexOidcPort,
  dnsPort,
  sessionCookieName: "authjs.session-token",
  appEnv: {
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
    PORT: String(appPort),
    AUTH_URL: `http://localhost:${appPort}`,
    AUTH_SECRET: "e2e-only-secret-0123456789abcdefghijklmnopqrstuvwxyz",
    OIDC_ISSUER: devIssuer(oidcPort),
    // Production refuses the development client, so the suite registers its own.
    OIDC_CLIENT_ID: "voicesurveyagent-e2e",
    // Every character client_secret_basic encoders disagree on (issue 18, C): unreserved `-._~`,
    // `%`, `:` and a space, so the sign-in and renewal tests prove both authenticate alike. No
    // non-ASCII letter: oidc-provider refuses a secret outside RFC 6749's VSCHAR (%x20-7E); the
    // unit test (tests/unit/client-authentication.test.ts) covers that one.
    OIDC_CLIENT_SECRET: "e2e-client-secret-0123456789-a.b_c~d%e:f g",
    // The defaults, written out because rate-limits.spec.ts counts against them. The rest of
    // the suite signs in from 127.0.0.1 well under 60 times a minute; the limit tests use
    // other loopback addresses and their own user.
    TRUSTED_PROXY_COUNT: "0",
    RATE_LIMIT_LOGIN: "60/1m",
    RATE_LIMIT_CALLBACK: "60/1m",
    RATE_LIMIT_BACKCHANNEL_LOGOUT: "30/1m",
    RATE_LIMIT_TOKEN: "20/1h",
    // No INITIAL_ADMIN_EMAILS (production has no default) and no OIDC_ROLE_CLAIM: the suite
    // expects alice and bob as viewers. roles-from-idp.spec.ts runs its own instance with roles.
    // A test-only key, generated for this suite and used nowhere else.
    // Required in production; tests that read /api/metrics send it.
    METRICS_TOKEN: "e2e-only-metrics-token-0123456789",
    // Seals the client secrets of connections the organisations suite adds at run time.
    CONNECTION_SECRET_KEY: "ZTJlLW9ubHktY29ubmVjdGlvbi1zZWNyZXQta2V5ISE=",
    // Domain verification asks the suite's own DNS server (setup-links.spec.ts runs it).
    DNS_SERVERS: `127.0.0.1:${dnsPort}`,
    API_TOKEN_SIGNING_KEY: '{"kty":"EC","x":"sLLDCKcKxVZ_SQHWwBzXrCAxoeUdqy6tLTlPnqYlaGI","y":"acuGxqy2YsQ-2Hz6poUFniPx2wTSKHZO-nymKKldsuA","crv":"P-256","d":"f0HeJTQdZmpQIK1s-hH1Fl3HtRTzHeIlusWwD_TlS8Y","kid":"e2e-test-key","alg":"ES256"}',
  },
  hostile: {
    appPort: hostileAppPort,
    oidcPort: hostileOidcPort,
    appUrl: `http://localhost:${hostileAppPort}`,
    issuer: `http://127.0.0.1:${hostileOidcPort}`,
    /** Everything the instance prints goes here; the suite scans it for leaked secrets. */
    logFile: "reports/hostile-app.log",
    clientId: "hostile-suite-client",
    clientSecret: "hostile-suite-secret-0123456789",
  },
} as const;

/** The hostile-provider suite's instance: same build and database, another IdP, short timeouts. */
export const HOSTILE_APP_ENV = {
  ...E2E.appEnv,
  PORT: String(E2E.hostile.appPort),
  AUTH_URL: E2E.hostile.appUrl,
  OIDC_ISSUER: E2E.hostile.issuer,
  OIDC_CLIENT_ID: E2E.hostile.clientId,
  OIDC_CLIENT_SECRET: E2E.hostile.clientSecret,
  // A hanging IdP is given up on after 1.5 s, and a rotated key is looked for after 1 s.
  OIDC_HTTP_TIMEOUT_MS: "1500",
  // Discovery and keys are fetched again after 1 s, so a scenario that changes them is seen.
  OIDC_METADATA_TTL_SECONDS: "1",
  OIDC_JWKS_REFETCH_COOLDOWN_SECONDS: "1",
  // The fuzzer sends thousands of callbacks from one address.
  RATE_LIMIT_LOGIN: "off",
  RATE_LIMIT_CALLBACK: "off",
};
