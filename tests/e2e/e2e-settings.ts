import { devIssuer } from "../../lib/dev-defaults.mjs";

// Ports apart from `npm run dev`'s, so the tests can run beside a development server;
// E2E_APP_PORT / E2E_OIDC_PORT move them (two checkouts testing side by side).
const appPort = Number(process.env.E2E_APP_PORT ?? 3100);
const oidcPort = Number(process.env.E2E_OIDC_PORT ?? 9410);

export const E2E = {
  appPort,
  oidcPort,
  appUrl: `http://localhost:${appPort}`,
  issuer: devIssuer(oidcPort),
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
    OIDC_CLIENT_SECRET: "e2e-client-secret-0123456789",
    // A test-only key, generated for this suite and used nowhere else.
    API_TOKEN_SIGNING_KEY: '{"kty":"EC","x":"sLLDCKcKxVZ_SQHWwBzXrCAxoeUdqy6tLTlPnqYlaGI","y":"acuGxqy2YsQ-2Hz6poUFniPx2wTSKHZO-nymKKldsuA","crv":"P-256","d":"f0HeJTQdZmpQIK1s-hH1Fl3HtRTzHeIlusWwD_TlS8Y","kid":"e2e-test-key","alg":"ES256"}',
  },
} as const;
