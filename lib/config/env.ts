import type { z } from "zod";
import { DEV_DEFAULTS, devIssuer } from "./dev-defaults.mjs";
import type { IdpRoleMapping } from "../roles/idp-role-mapping";
import { VARIABLES, schema, type VariableName } from "./variables";

export type { RateLimit } from "./variables";

/** The validated configuration; its shape is what loadEnv builds. */
export type Env = ReturnType<typeof loadEnv>;

export class ConfigurationError extends Error {
  readonly code = "invalid_configuration";
  constructor(readonly problems: { variable: string; problem: string }[]) {
    super(
      "Invalid configuration:\n" +
        problems
          .map(({ variable, problem }) => `  - ${variable} ${problem}: ${VARIABLES[variable as VariableName]?.fix ?? ""}`)
          .join("\n"),
    );
    this.name = "ConfigurationError";
  }
}

const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** https, or plain http to this machine only: nothing else protects tokens and cookies in transit. */
function isSecureOrLoopback(url: string): boolean {
  const { protocol, hostname } = new URL(url);
  return protocol === "https:" || LOOPBACK_HOSTS.has(hostname);
}

/** What production refuses even though it parses: plain http, and the development stand-ins. */
function productionProblems(raw: z.infer<typeof schema>): { variable: string; problem: string }[] {
  const problems: { variable: string; problem: string }[] = [];
  for (const key of ["OIDC_ISSUER", "AUTH_URL"] as const) {
    const value = raw[key];
    if (value && !isSecureOrLoopback(value)) problems.push({ variable: key, problem: "must be an https:// URL in production (plain http only to localhost, 127.0.0.1 or [::1])" });
  }
  if (raw.OIDC_ISSUER && new URL(raw.OIDC_ISSUER).href === new URL(devIssuer()).href) {
    problems.push({ variable: "OIDC_ISSUER", problem: "is the bundled development provider, which is not for production" });
  }
  if (raw.OIDC_CLIENT_ID === DEV_DEFAULTS.clientId) problems.push({ variable: "OIDC_CLIENT_ID", problem: "is the development client, which is not for production" });
  if (raw.OIDC_CLIENT_SECRET === DEV_DEFAULTS.clientSecret) problems.push({ variable: "OIDC_CLIENT_SECRET", problem: "is the development client's secret, which is not for production" });
  return problems;
}

type RoleVariables = Pick<z.infer<typeof schema>, "NODE_ENV" | "INITIAL_ADMIN_EMAILS" | "OIDC_ROLE_CLAIM" | "OIDC_ROLE_MAP">;

/** Who becomes admin at their first sign-in, and whether the IdP sets roles (both variables, or neither). */
function roleSettings(raw: RoleVariables) {
  const problems: { variable: string; problem: string }[] = [];
  if (raw.OIDC_ROLE_CLAIM && !raw.OIDC_ROLE_MAP) problems.push({ variable: "OIDC_ROLE_MAP", problem: "is required when OIDC_ROLE_CLAIM is set" });
  if (raw.OIDC_ROLE_MAP && !raw.OIDC_ROLE_CLAIM) problems.push({ variable: "OIDC_ROLE_CLAIM", problem: "is required when OIDC_ROLE_MAP is set" });
  const idpRoleMapping: IdpRoleMapping | null = raw.OIDC_ROLE_CLAIM && raw.OIDC_ROLE_MAP ? { claim: raw.OIDC_ROLE_CLAIM, roleMap: raw.OIDC_ROLE_MAP } : null;
  // Development only: a newcomer's first sign-in (alice, at the bundled provider) opens the admin console.
  const defaultAdmins = raw.NODE_ENV === "development" ? DEV_DEFAULTS.initialAdminEmails : [];
  return {
    problems,
    settings: {
      /** INITIAL_ADMIN_EMAILS, lowercase: a user created by a sign-in with one of these, verified, starts as admin. */
      initialAdminEmails: raw.INITIAL_ADMIN_EMAILS ?? [...defaultAdmins],
      /** OIDC_ROLE_CLAIM and OIDC_ROLE_MAP, or null: roles are then managed in the console. */
      idpRoleMapping,
    },
  };
}

/** The variables of `subset` from `source`, blank as unset, or a ConfigurationError naming each bad one. */
function parseVariables<Shape extends z.ZodRawShape>(subset: z.ZodObject<Shape>, source: Record<string, string | undefined>): z.infer<z.ZodObject<Shape>> {
  const input: Record<string, string | undefined> = {};
  for (const key of Object.keys(subset.shape)) {
    const value = source[key];
    input[key] = value === undefined || value.trim() === "" ? undefined : value.trim();
  }
  const parsed = subset.safeParse(input);
  if (!parsed.success) {
    throw new ConfigurationError(
      parsed.error.issues.map((issue) => ({
        variable: String(issue.path[0]),
        problem: `is invalid (${issue.message})`,
      })),
    );
  }
  return parsed.data;
}

/** Reads and validates the configuration from `source` (pure: tests pass their own). */
export function loadEnv(source: Record<string, string | undefined>) {
  const raw = parseVariables(schema, source);
  const production = raw.NODE_ENV === "production";
  const problems: { variable: string; problem: string }[] = [];
  // METRICS_TOKEN too: behind a proxy on the same machine every client is loopback, so
  // "loopback only" would make /api/metrics public.
  const requiredInProduction = ["AUTH_URL", "OIDC_ISSUER", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET", "DATABASE_URL", "METRICS_TOKEN"] as const;
  if (production) {
    for (const key of requiredInProduction) {
      if (!raw[key]) problems.push({ variable: key, problem: "is required in production" });
    }
    problems.push(...productionProblems(raw));
  }
  for (const key of ["AUTH_SECRET", "API_TOKEN_SIGNING_KEY"] as const) {
    if (!raw[key]) problems.push({ variable: key, problem: production ? "is required in production" : "is missing" });
  }
  const roles = roleSettings(raw);
  problems.push(...roles.problems);
  if (problems.length > 0) throw new ConfigurationError(problems);

  const authUrl = raw.AUTH_URL ?? `http://localhost:${raw.PORT}`;
  return {
    nodeEnv: raw.NODE_ENV,
    port: raw.PORT,
    /** Where the forward-auth listener serves GET /api/auth/verify outside Next (lib/access/forward-auth-listener.ts); unset: not started. */
    forwardAuthListen: raw.FORWARD_AUTH_PORT,
    authUrl,
    authSecret: raw.AUTH_SECRET!,
    oidcIssuer: raw.OIDC_ISSUER ?? devIssuer(),
    oidcClientId: raw.OIDC_CLIENT_ID ?? DEV_DEFAULTS.clientId,
    oidcClientSecret: raw.OIDC_CLIENT_SECRET ?? DEV_DEFAULTS.clientSecret,
    oidcScopes: raw.OIDC_SCOPES.split(/\s+/).join(" "),
    databaseUrl: raw.DATABASE_URL,
    databasePoolMax: raw.DATABASE_POOL_MAX,
    sessionIdleMinutes: raw.JWT_EXPIRATION_MINUTES,
    sessionAbsoluteLifetimeHours: raw.SESSION_ABSOLUTE_LIFETIME_HOURS,
    apiTokenSigningKey: raw.API_TOKEN_SIGNING_KEY!,
    apiTokenPreviousKeys: raw.API_TOKEN_PREVIOUS_KEYS,
    accessTokenTtlMinutes: raw.ACCESS_TOKEN_TTL_MINUTES,
    refreshTokenTtlDays: raw.REFRESH_TOKEN_TTL_DAYS,
    /** Every call to the IdP (discovery, JWKS, token, userinfo, refresh) is aborted after this. */
    oidcHttpTimeoutMs: raw.OIDC_HTTP_TIMEOUT_MS,
    /** Discovery and the JWKS are reused this long before they are fetched again. */
    oidcMetadataTtlSeconds: raw.OIDC_METADATA_TTL_SECONDS,
    /** An unknown `kid` refetches the IdP's keys at most this often: a flood of forged tokens cannot hammer the IdP. */
    oidcJwksRefetchCooldownSeconds: raw.OIDC_JWKS_REFETCH_COOLDOWN_SECONDS,
    apiTokenFamilyMaxDays: raw.API_TOKEN_FAMILY_MAX_DAYS,
    apiTokensMaxPerUser: raw.API_TOKENS_MAX_PER_USER,
    /** How many X-Forwarded-For entries, counted from the right, proxies we trust appended. */
    trustedProxyCount: raw.TRUSTED_PROXY_COUNT,
    /** Per client address (login, callback, refresh, back-channel logout, security events) or per user (token); null: off. */
    rateLimits: {
      login: raw.RATE_LIMIT_LOGIN,
      callback: raw.RATE_LIMIT_CALLBACK,
      refresh: raw.RATE_LIMIT_REFRESH,
      backchannelLogout: raw.RATE_LIMIT_BACKCHANNEL_LOGOUT,
      securityEvents: raw.RATE_LIMIT_SECURITY_EVENTS,
      token: raw.RATE_LIMIT_TOKEN,
    },
    dataRetentionDays: raw.DATA_RETENTION_DAYS,
    logLevel: raw.LOG_LEVEL,
    /** Prometheus's bearer token for /api/metrics; unset: loopback clients only. */
    metricsToken: raw.METRICS_TOKEN,
    /** When set, every page and /api response says which instance answered (X-Instance: lib/http/runtime-headers.ts). */
    instanceId: raw.INSTANCE_ID,
    ...roles.settings,
    /** How long audit events are kept: the prune job's only deletion of the append-only trail. */
    auditRetentionDays: raw.AUDIT_RETENTION_DAYS,
    /** Seals run-time connections' client secrets (lib/organisations/connection-secrets.ts); unset: none can be saved or opened. */
    connectionSecretKey: raw.CONNECTION_SECRET_KEY,
    connectionSecretPreviousKeys: raw.CONNECTION_SECRET_PREVIOUS_KEYS,
    /** Where domain verification's TXT lookups go; unset: the system's resolvers. */
    dnsServers: raw.DNS_SERVERS,
    /** True when the app is served over https: cookies get the Secure flag and __Host-/__Secure- names. */
    secureCookies: authUrl.startsWith("https://"),
  };
}

/**
 * The little that operator commands touching only the database read (`npm run db:prune`):
 * they need no secrets, and DATABASE_URL is required even in development.
 */
export function loadDatabaseEnv(source: Record<string, string | undefined>) {
  const raw = parseVariables(schema.pick({ DATABASE_URL: true, DATABASE_POOL_MAX: true, DATA_RETENTION_DAYS: true, AUDIT_RETENTION_DAYS: true }), source);
  if (!raw.DATABASE_URL) throw new ConfigurationError([{ variable: "DATABASE_URL", problem: "is required" }]);
  return { databaseUrl: raw.DATABASE_URL, databasePoolMax: raw.DATABASE_POOL_MAX, dataRetentionDays: raw.DATA_RETENTION_DAYS, auditRetentionDays: raw.AUDIT_RETENTION_DAYS };
}

/**
 * Only who becomes admin and whether the IdP manages roles, for operator commands that change
 * roles without the app's secrets (`npm run users`): they refuse what a sign-in would undo.
 */
export function loadRoleEnv(source: Record<string, string | undefined>) {
  const raw = parseVariables(schema.pick({ NODE_ENV: true, INITIAL_ADMIN_EMAILS: true, OIDC_ROLE_CLAIM: true, OIDC_ROLE_MAP: true }), source);
  const { problems, settings } = roleSettings(raw);
  if (problems.length > 0) throw new ConfigurationError(problems);
  return settings;
}

/** What `npm run orgs` reads besides the database: the connection secret keys, the DNS resolvers, the IdP timeout, the public URL (for setup links). */
export function loadOrganisationsEnv(source: Record<string, string | undefined>) {
  const raw = parseVariables(
    schema.pick({ NODE_ENV: true, PORT: true, AUTH_URL: true, CONNECTION_SECRET_KEY: true, CONNECTION_SECRET_PREVIOUS_KEYS: true, DNS_SERVERS: true, OIDC_HTTP_TIMEOUT_MS: true }),
    source,
  );
  return {
    nodeEnv: raw.NODE_ENV,
    authUrl: raw.AUTH_URL ?? `http://localhost:${raw.PORT}`,
    connectionSecretKey: raw.CONNECTION_SECRET_KEY,
    connectionSecretPreviousKeys: raw.CONNECTION_SECRET_PREVIOUS_KEYS,
    dnsServers: raw.DNS_SERVERS,
    oidcHttpTimeoutMs: raw.OIDC_HTTP_TIMEOUT_MS,
  };
}

let cached: Env | undefined;

/** The process's configuration, validated once. Throws ConfigurationError when invalid. */
export function getEnv(): Env {
  // Read by name, one by one: the Edge runtime exposes process.env entries, not an enumerable object.
  cached ??= loadEnv(Object.fromEntries(Object.keys(VARIABLES).map((name) => [name, process.env[name]])));
  return cached;
}
