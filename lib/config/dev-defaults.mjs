// Development defaults shared by the app (lib/config/env.ts) and the development launcher
// (scripts/dev/run-dev.mjs), which is plain Node and cannot import TypeScript.
// None of these values is accepted in production: lib/config/env.ts requires real ones there.
export const DEV_DEFAULTS = Object.freeze({
  appPort: 3000,
  oidcPort: 9400,
  embeddedDbPort: 54329,
  clientId: "voicesurveyagent-dev",
  clientSecret: "dev-client-secret-not-for-production",
  // The second development organisation (acme.test): its own bundled provider and client,
  // which `npm run dev` registers as a connection of the organisation "acme".
  acmeOidcPort: 9401,
  acmeClientId: "voicesurveyagent-acme-dev",
  acmeClientSecret: "acme-dev-client-secret-not-for-production",
  scopes: "openid email profile",
  sessionIdleMinutes: 60,
  // The bundled provider's alice: INITIAL_ADMIN_EMAILS makes her admin at her first sign-in.
  initialAdminEmails: Object.freeze(["alice@example.com"]),
});

/** The bundled development OpenID provider's issuer for a given port. */
export function devIssuer(port = DEV_DEFAULTS.oidcPort) {
  return `http://127.0.0.1:${port}`;
}

/** The embedded database `npm run dev` serves (PGlite over the PostgreSQL wire protocol) on a given port. */
export function embeddedDatabaseUrl(port = DEV_DEFAULTS.embeddedDbPort) {
  return `postgresql://postgres:postgres@127.0.0.1:${port}/postgres?sslmode=disable`;
}
