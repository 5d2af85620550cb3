import { z } from "zod";
import { DEV_DEFAULTS, devIssuer } from "./dev-defaults.mjs";
import { isRoleClaimPath, parseRoleMap, type IdpRoleMapping } from "../roles/idp-role-mapping";

const RATE_LIMIT_FIX = 'set it to REQUESTS/WINDOW with a window in s, m or h (e.g. "60/1m" or "20/1h"), or "off"';

/** Every variable this app reads, with how to fix it when it is wrong. */
const HOW_TO_FIX: Record<string, string> = {
  NODE_ENV: "use development, test or production",
  PORT: "set it to a TCP port number, e.g. PORT=3000",
  AUTH_URL: "set it to the app's public URL, e.g. AUTH_URL=https://console.example.com",
  AUTH_SECRET:
    "set it to at least 32 random characters, e.g. AUTH_SECRET=$(openssl rand -base64 32); `npm run dev` generates one under .data/",
  OIDC_ISSUER:
    "set it to your identity provider's issuer URL (the one that serves /.well-known/openid-configuration)",
  OIDC_CLIENT_ID: "set it to the client ID registered for this app at your identity provider",
  OIDC_CLIENT_SECRET: "set it to the client secret registered for this app at your identity provider",
  OIDC_SCOPES: 'set it to space-separated scopes that include "openid", e.g. "openid email profile"',
  DATABASE_URL:
    "set it to postgresql://USER:PASSWORD@HOST:5432/DATABASE (unset in development, `npm run dev` uses the embedded database)",
  JWT_EXPIRATION_MINUTES: "set it to a whole number of minutes between 1 and 43200, e.g. 60",
  SESSION_ABSOLUTE_LIFETIME_HOURS: "set it to a whole number of hours between 1 and 720, e.g. 12",
  API_TOKEN_SIGNING_KEY:
    "set it to an EC P-256 (ES256) or Ed25519 (EdDSA) private key, as a JWK (JSON) or a PKCS#8 PEM; `npm run dev` generates one under .data/ (see README, API tokens)",
  API_TOKEN_PREVIOUS_KEYS:
    'set it to a JSON array (or {"keys": [...]}) of the previous signing keys\' public JWKs, each with its "kid"',
  DATABASE_POOL_MAX: "set it to the number of database connections per app process, 1 to 100, e.g. 10",
  ACCESS_TOKEN_TTL_MINUTES: "set it to a whole number of minutes between 1 and 1440, e.g. 15",
  REFRESH_TOKEN_TTL_DAYS: "set it to a whole number of days between 1 and 365, e.g. 30",
  OIDC_HTTP_TIMEOUT_MS: "set it to the milliseconds any call to the identity provider may take, 500 to 60000, e.g. 5000",
  OIDC_METADATA_TTL_SECONDS: "set it to how many seconds the IdP's discovery document and keys are reused, 1 to 86400, e.g. 600",
  OIDC_JWKS_REFETCH_COOLDOWN_SECONDS: "set it to the least seconds between two fetches of the IdP's keys caused by an unknown kid, 1 to 3600, e.g. 30",
  API_TOKEN_FAMILY_MAX_DAYS: "set it to the most days an API token may be refreshed for, 1 to 3650, e.g. 90",
  API_TOKENS_MAX_PER_USER: "set it to how many active API tokens one user may hold, 1 to 1000, e.g. 20",
  TRUSTED_PROXY_COUNT:
    "set it to the number of reverse proxies in front of the app that append to X-Forwarded-For, 0 to 10 (0: the app is reached directly)",
  RATE_LIMIT_LOGIN: RATE_LIMIT_FIX,
  RATE_LIMIT_CALLBACK: RATE_LIMIT_FIX,
  RATE_LIMIT_REFRESH: RATE_LIMIT_FIX,
  RATE_LIMIT_BACKCHANNEL_LOGOUT: RATE_LIMIT_FIX,
  RATE_LIMIT_TOKEN: RATE_LIMIT_FIX,
  LOG_LEVEL: "set it to one of fatal, error, warn, info, debug, trace or silent, e.g. LOG_LEVEL=info",
  METRICS_TOKEN: "set it to at least 16 random characters (the bearer token Prometheus sends), e.g. METRICS_TOKEN=$(openssl rand -hex 24); required in production, where loopback-only would be public behind a local proxy; in development unset serves /api/metrics to loopback only",
  INSTANCE_ID: "set it to a short name for this instance (letters, digits, . _ -), e.g. INSTANCE_ID=console-a, or leave it unset",
  DATA_RETENTION_DAYS: "set it to the days ended sessions, spent refresh tokens and old rate-limit counters are kept, 1 to 3650, e.g. 30",
  INITIAL_ADMIN_EMAILS:
    "set it to comma-separated email addresses, e.g. INITIAL_ADMIN_EMAILS=alice@example.com,ops@example.com (each becomes admin at their first sign-in, if the identity provider says the email is verified)",
  OIDC_ROLE_CLAIM:
    'set it to the ID token claim that carries the person\'s groups or roles, a name or a dotted path: "roles" (Entra ID app roles), "groups" (Okta), "realm_access.roles" (Keycloak); set OIDC_ROLE_MAP with it, or leave both unset to manage roles in the console',
  OIDC_ROLE_MAP:
    'set it to a JSON object from the identity provider\'s values to roles (admin, campaign_manager, viewer), e.g. {"vsa-admins":"admin","vsa-managers":"campaign_manager"}; set OIDC_ROLE_CLAIM with it, or leave both unset to manage roles in the console',
  AUDIT_RETENTION_DAYS: "set it to the days audit events are kept before the prune job deletes them, 1 to 3650, e.g. 365",
};

const httpUrl = z.url({ protocol: /^https?$/, error: "must be an http(s) URL" });

export type RateLimit = { points: number; windowSeconds: number };

const WINDOW_UNIT_SECONDS = { s: 1, m: 60, h: 3600 } as const;

/** "60/1m" → 60 requests per 60 seconds; "off" → no limit. */
const rateLimit = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((value, context): RateLimit | null => {
      if (value.toLowerCase() === "off") return null;
      const match = /^(\d{1,7})\/(\d{1,5})([smh])$/.exec(value);
      const points = Number(match?.[1]);
      const windowSeconds = Number(match?.[2]) * WINDOW_UNIT_SECONDS[(match?.[3] ?? "s") as keyof typeof WINDOW_UNIT_SECONDS];
      if (!match || points < 1 || windowSeconds < 1 || windowSeconds > 86_400) {
        context.addIssue({ code: "custom", message: 'must look like "60/1m" (at least 1 request, a window of at most 24h) or be "off"' });
        return z.NEVER;
      }
      return { points, windowSeconds };
    });
/** "a@example.com, B@example.com" → ["a@example.com", "b@example.com"]; empty entries (a trailing comma) are ignored. */
const emailList = z
  .string()
  .optional()
  .transform((value, context): string[] | undefined => {
    if (value === undefined) return undefined;
    const emails = value.split(",").map((entry) => entry.trim().toLowerCase()).filter(Boolean);
    const invalid = emails.filter((email) => !z.email().safeParse(email).success);
    if (invalid.length > 0) {
      context.addIssue({ code: "custom", message: `${invalid.map((email) => JSON.stringify(email)).join(", ")} ${invalid.length === 1 ? "is not an email address" : "are not email addresses"}` });
      return z.NEVER;
    }
    return emails;
  });

const roleMap = z
  .string()
  .optional()
  .transform((value, context) => {
    if (value === undefined) return undefined;
    const parsed = parseRoleMap(value);
    if (!parsed.ok) {
      context.addIssue({ code: "custom", message: parsed.problem });
      return z.NEVER;
    }
    return parsed.roleMap;
  });

// The app's origin is joined with paths, so it loses a trailing slash; an issuer is an
// identifier that must match the IdP's discovery document exactly, so it keeps its own.
const appUrl = httpUrl.transform((value) => value.replace(/\/+$/, ""));

const schema = z.object({
  NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
  PORT: z.coerce.number().int().min(1).max(65535).default(DEV_DEFAULTS.appPort),
  AUTH_URL: appUrl.optional(),
  AUTH_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
  OIDC_ISSUER: httpUrl.optional(),
  OIDC_CLIENT_ID: z.string().min(1).optional(),
  OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  OIDC_SCOPES: z
    .string()
    .default(DEV_DEFAULTS.scopes)
    .refine((value) => value.split(/\s+/).includes("openid"), 'must include "openid"'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must start with postgresql://")
    .optional(),
  JWT_EXPIRATION_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(43200)
    .default(DEV_DEFAULTS.jwtExpirationMinutes),
  SESSION_ABSOLUTE_LIFETIME_HOURS: z.coerce.number().int().min(1).max(720).default(12),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(100).default(10),
  API_TOKEN_SIGNING_KEY: z.string().min(1).optional(),
  API_TOKEN_PREVIOUS_KEYS: z.string().optional(),
  ACCESS_TOKEN_TTL_MINUTES: z.coerce.number().int().min(1).max(1440).default(15),
  REFRESH_TOKEN_TTL_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  OIDC_HTTP_TIMEOUT_MS: z.coerce.number().int().min(500).max(60_000).default(5000),
  OIDC_METADATA_TTL_SECONDS: z.coerce.number().int().min(1).max(86_400).default(600),
  OIDC_JWKS_REFETCH_COOLDOWN_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
  API_TOKEN_FAMILY_MAX_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
  API_TOKENS_MAX_PER_USER: z.coerce.number().int().min(1).max(1000).default(20),
  TRUSTED_PROXY_COUNT: z.coerce.number().int().min(0).max(10).default(0),
  RATE_LIMIT_LOGIN: rateLimit("60/1m"),
  RATE_LIMIT_CALLBACK: rateLimit("60/1m"),
  RATE_LIMIT_REFRESH: rateLimit("120/1m"),
  RATE_LIMIT_BACKCHANNEL_LOGOUT: rateLimit("120/1m"),
  RATE_LIMIT_TOKEN: rateLimit("20/1h"),
  DATA_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  METRICS_TOKEN: z.string().min(16, "must be at least 16 characters").optional(),
  INSTANCE_ID: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, "must be 1 to 64 letters, digits, dots, underscores or hyphens").optional(),
  INITIAL_ADMIN_EMAILS: emailList,
  OIDC_ROLE_CLAIM: z
    .string()
    .refine(isRoleClaimPath, 'must be a claim name or a dotted path of non-empty names, e.g. "groups" or "realm_access.roles"')
    .optional(),
  OIDC_ROLE_MAP: roleMap,
  AUDIT_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(365),
});

/** The validated configuration; its shape is what loadEnv builds. */
export type Env = ReturnType<typeof loadEnv>;

export class ConfigurationError extends Error {
  readonly code = "invalid_configuration";
  constructor(readonly problems: { variable: string; problem: string }[]) {
    super(
      "Invalid configuration:\n" +
        problems
          .map(({ variable, problem }) => `  - ${variable} ${problem}: ${HOW_TO_FIX[variable] ?? ""}`)
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
    authUrl,
    authSecret: raw.AUTH_SECRET!,
    oidcIssuer: raw.OIDC_ISSUER ?? devIssuer(),
    oidcClientId: raw.OIDC_CLIENT_ID ?? DEV_DEFAULTS.clientId,
    oidcClientSecret: raw.OIDC_CLIENT_SECRET ?? DEV_DEFAULTS.clientSecret,
    oidcScopes: raw.OIDC_SCOPES.split(/\s+/).join(" "),
    databaseUrl: raw.DATABASE_URL,
    databasePoolMax: raw.DATABASE_POOL_MAX,
    jwtExpirationMinutes: raw.JWT_EXPIRATION_MINUTES,
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
    /** Per client address (login, callback, refresh, back-channel logout) or per user (token); null: off. */
    rateLimits: {
      login: raw.RATE_LIMIT_LOGIN,
      callback: raw.RATE_LIMIT_CALLBACK,
      refresh: raw.RATE_LIMIT_REFRESH,
      backchannelLogout: raw.RATE_LIMIT_BACKCHANNEL_LOGOUT,
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

let cached: Env | undefined;

/** The process's configuration, validated once. Throws ConfigurationError when invalid. */
export function getEnv(): Env {
  // Listed one by one: the Edge runtime exposes process.env entries, not an enumerable object.
  cached ??= loadEnv({
    NODE_ENV: process.env.NODE_ENV,
    PORT: process.env.PORT,
    AUTH_URL: process.env.AUTH_URL,
    AUTH_SECRET: process.env.AUTH_SECRET,
    OIDC_ISSUER: process.env.OIDC_ISSUER,
    OIDC_CLIENT_ID: process.env.OIDC_CLIENT_ID,
    OIDC_CLIENT_SECRET: process.env.OIDC_CLIENT_SECRET,
    OIDC_SCOPES: process.env.OIDC_SCOPES,
    DATABASE_URL: process.env.DATABASE_URL,
    DATABASE_POOL_MAX: process.env.DATABASE_POOL_MAX,
    JWT_EXPIRATION_MINUTES: process.env.JWT_EXPIRATION_MINUTES,
    SESSION_ABSOLUTE_LIFETIME_HOURS: process.env.SESSION_ABSOLUTE_LIFETIME_HOURS,
    API_TOKEN_SIGNING_KEY: process.env.API_TOKEN_SIGNING_KEY,
    API_TOKEN_PREVIOUS_KEYS: process.env.API_TOKEN_PREVIOUS_KEYS,
    ACCESS_TOKEN_TTL_MINUTES: process.env.ACCESS_TOKEN_TTL_MINUTES,
    REFRESH_TOKEN_TTL_DAYS: process.env.REFRESH_TOKEN_TTL_DAYS,
    OIDC_HTTP_TIMEOUT_MS: process.env.OIDC_HTTP_TIMEOUT_MS,
    OIDC_METADATA_TTL_SECONDS: process.env.OIDC_METADATA_TTL_SECONDS,
    OIDC_JWKS_REFETCH_COOLDOWN_SECONDS: process.env.OIDC_JWKS_REFETCH_COOLDOWN_SECONDS,
    API_TOKEN_FAMILY_MAX_DAYS: process.env.API_TOKEN_FAMILY_MAX_DAYS,
    API_TOKENS_MAX_PER_USER: process.env.API_TOKENS_MAX_PER_USER,
    TRUSTED_PROXY_COUNT: process.env.TRUSTED_PROXY_COUNT,
    RATE_LIMIT_LOGIN: process.env.RATE_LIMIT_LOGIN,
    RATE_LIMIT_CALLBACK: process.env.RATE_LIMIT_CALLBACK,
    RATE_LIMIT_REFRESH: process.env.RATE_LIMIT_REFRESH,
    RATE_LIMIT_BACKCHANNEL_LOGOUT: process.env.RATE_LIMIT_BACKCHANNEL_LOGOUT,
    RATE_LIMIT_TOKEN: process.env.RATE_LIMIT_TOKEN,
    DATA_RETENTION_DAYS: process.env.DATA_RETENTION_DAYS,
    INSTANCE_ID: process.env.INSTANCE_ID,
    LOG_LEVEL: process.env.LOG_LEVEL,
    METRICS_TOKEN: process.env.METRICS_TOKEN,
    INITIAL_ADMIN_EMAILS: process.env.INITIAL_ADMIN_EMAILS,
    OIDC_ROLE_CLAIM: process.env.OIDC_ROLE_CLAIM,
    OIDC_ROLE_MAP: process.env.OIDC_ROLE_MAP,
    AUDIT_RETENTION_DAYS: process.env.AUDIT_RETENTION_DAYS,
  });
  return cached;
}
