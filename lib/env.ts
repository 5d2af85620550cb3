import { z } from "zod";
import { DEV_DEFAULTS, devIssuer } from "./dev-defaults.mjs";

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
};

const httpUrl = z.url({ protocol: /^https?$/, error: "must be an http(s) URL" });
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
});

export type Env = {
  nodeEnv: "development" | "test" | "production";
  port: number;
  authUrl: string;
  authSecret: string;
  oidcIssuer: string;
  oidcClientId: string;
  oidcClientSecret: string;
  oidcScopes: string;
  databaseUrl: string | undefined;
  databasePoolMax: number;
  jwtExpirationMinutes: number;
  /** A sliding session is never renewed past this long after its sign-in. */
  sessionAbsoluteLifetimeHours: number;
  /** The API token signing key as configured (JWK JSON or PEM); parsed by lib/auth/api-token-keys. */
  apiTokenSigningKey: string;
  apiTokenPreviousKeys: string | undefined;
  accessTokenTtlMinutes: number;
  refreshTokenTtlDays: number;
  /** True when the app is served over https: cookies get the Secure flag and __Secure- names. */
  secureCookies: boolean;
};

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

const KEYS = Object.keys(schema.shape) as (keyof typeof schema.shape)[];

/** Reads and validates the configuration from `source` (pure: tests pass their own). */
export function loadEnv(source: Record<string, string | undefined>): Env {
  const input: Record<string, string | undefined> = {};
  for (const key of KEYS) {
    const value = source[key];
    input[key] = value === undefined || value.trim() === "" ? undefined : value.trim();
  }
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    throw new ConfigurationError(
      parsed.error.issues.map((issue) => ({
        variable: String(issue.path[0]),
        problem: `is invalid (${issue.message})`,
      })),
    );
  }
  const raw = parsed.data;
  const production = raw.NODE_ENV === "production";
  const problems: { variable: string; problem: string }[] = [];
  const requiredInProduction = ["AUTH_URL", "OIDC_ISSUER", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET", "DATABASE_URL"] as const;
  if (production) {
    for (const key of requiredInProduction) {
      if (!raw[key]) problems.push({ variable: key, problem: "is required in production" });
    }
  }
  for (const key of ["AUTH_SECRET", "API_TOKEN_SIGNING_KEY"] as const) {
    if (!raw[key]) problems.push({ variable: key, problem: production ? "is required in production" : "is missing" });
  }
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
    secureCookies: authUrl.startsWith("https://"),
  };
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
  });
  return cached;
}
