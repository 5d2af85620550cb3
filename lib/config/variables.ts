import { z } from "zod";
import { DEV_DEFAULTS } from "./dev-defaults.mjs";
import { isRoleClaimPath, parseRoleMap } from "../roles/idp-role-mapping";

const RATE_LIMIT_FIX = 'set it to REQUESTS/WINDOW with a window in s, m or h (e.g. "60/1m" or "20/1h"), or "off"';

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
      context.addIssue({ code: "custom", message: parsed.message });
      return z.NEVER;
    }
    return parsed.roleMap;
  });

/** "3001" → all interfaces, port 3001; "127.0.0.1:3001" → that address only. */
const listenAddress = z
  .string()
  .optional()
  .transform((value, context): { host: string | undefined; port: number } | undefined => {
    if (value === undefined || value === "") return undefined;
    const match = /^(?:\[?([^\]]+?)\]?:)?(\d{1,5})$/.exec(value.trim());
    const port = Number(match?.[2]);
    if (!match || port < 1 || port > 65535) {
      context.addIssue({ code: "custom", message: 'must be a TCP port ("3001") or an address and a port ("127.0.0.1:3001")' });
      return z.NEVER;
    }
    return { host: match[1], port };
  });

/** 32 random bytes in base64 or base64url (44 characters with padding), e.g. from `openssl rand -base64 32`. */
const isSecretKeyText = (text: string) => {
  const normalised = text.replace(/-/g, "+").replace(/_/g, "/");
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(normalised)) return false;
  try {
    return atob(normalised.padEnd(Math.ceil(normalised.length / 4) * 4, "=")).length === 32;
  } catch {
    return false;
  }
};
const secretKey = z.string().refine(isSecretKeyText, "must be 32 random bytes in base64 (44 characters)");

/** "a, b" → ["a", "b"]: each a 32-byte key (secretKey). */
const secretKeyList = z
  .string()
  .optional()
  .transform((value, context): string[] => {
    const keys = (value ?? "").split(",").map((entry) => entry.trim()).filter(Boolean);
    if (keys.some((key) => !isSecretKeyText(key))) {
      context.addIssue({ code: "custom", message: "must be comma-separated keys of 32 random bytes in base64 (44 characters each)" });
      return z.NEVER;
    }
    return keys;
  });

/** "192.0.2.53, 127.0.0.1:5353" → DNS servers as node:dns takes them (IPv4 or [IPv6], optional port). */
const dnsServers = z
  .string()
  .optional()
  .transform((value, context): string[] | undefined => {
    if (value === undefined) return undefined;
    const servers = value.split(",").map((entry) => entry.trim()).filter(Boolean);
    const valid = (server: string) => /^(\d{1,3}(\.\d{1,3}){3}(:\d{1,5})?|\[[0-9a-fA-F:.]+\](:\d{1,5})?|[0-9a-fA-F]*:[0-9a-fA-F:.]+)$/.test(server);
    if (servers.length === 0 || !servers.every(valid)) {
      context.addIssue({ code: "custom", message: 'must be comma-separated IP addresses, each with an optional port ("192.0.2.53", "127.0.0.1:5353", "[2001:db8::53]:53")' });
      return z.NEVER;
    }
    return servers;
  });

// The app's origin is joined with paths, so it loses a trailing slash; an issuer is an
// identifier that must match the IdP's discovery document exactly, so it keeps its own.
const appUrl = httpUrl.transform((value) => value.replace(/\/+$/, ""));

/**
 * Every variable the app reads, declared once: how it is parsed (its default included) and
 * what to do when it is wrong. The schema, the startup errors and the list read from
 * process.env derive from this; docs/configuration.md and .env.example document each one
 * (tests/unit/configuration-docs.test.ts holds them to it).
 */
export const VARIABLES = {
  NODE_ENV: {
    schema: z.enum(["development", "test", "production"]).default("development"),
    fix: "use development, test or production",
  },
  PORT: {
    schema: z.coerce.number().int().min(1).max(65535).default(DEV_DEFAULTS.appPort),
    fix: "set it to a TCP port number, e.g. PORT=3000",
  },
  FORWARD_AUTH_PORT: {
    schema: listenAddress,
    fix: "set it to the port of the forward-auth listener (nginx auth_request targets it), e.g. FORWARD_AUTH_PORT=3001 or FORWARD_AUTH_PORT=127.0.0.1:3001, or leave it unset (forward auth is then only served by the app's own port, about 20 times slower)",
  },
  AUTH_URL: {
    schema: appUrl.optional(),
    fix: "set it to the app's public URL, e.g. AUTH_URL=https://console.example.com",
  },
  AUTH_SECRET: {
    schema: z.string().min(32, "must be at least 32 characters").optional(),
    fix: "set it to at least 32 random characters, e.g. AUTH_SECRET=$(openssl rand -base64 32); `npm run dev` generates one under .data/",
  },
  OIDC_ISSUER: {
    schema: httpUrl.optional(),
    fix: "set it to your identity provider's issuer URL (the one that serves /.well-known/openid-configuration)",
  },
  OIDC_CLIENT_ID: {
    schema: z.string().min(1).optional(),
    fix: "set it to the client ID registered for this app at your identity provider",
  },
  OIDC_CLIENT_SECRET: {
    schema: z.string().min(1).optional(),
    fix: "set it to the client secret registered for this app at your identity provider",
  },
  OIDC_SCOPES: {
    schema: z
      .string()
      .default(DEV_DEFAULTS.scopes)
      .refine((value) => value.split(/\s+/).includes("openid"), 'must include "openid"'),
    fix: 'set it to space-separated scopes that include "openid", e.g. "openid email profile"',
  },
  DATABASE_URL: {
    schema: z
      .string()
      .regex(/^postgres(ql)?:\/\//, "must start with postgresql://")
      .optional(),
    fix: "set it to postgresql://USER:PASSWORD@HOST:5432/DATABASE (unset in development, `npm run dev` uses the embedded database)",
  },
  JWT_EXPIRATION_MINUTES: {
    schema: z.coerce
      .number()
      .int()
      .min(1)
      .max(43200)
      .default(DEV_DEFAULTS.sessionIdleMinutes),
    fix: "set it to the browser session's idle timeout, a whole number of minutes between 1 and 43200, e.g. 60",
  },
  SESSION_ABSOLUTE_LIFETIME_HOURS: {
    schema: z.coerce.number().int().min(1).max(720).default(12),
    fix: "set it to a whole number of hours between 1 and 720, e.g. 12",
  },
  DATABASE_POOL_MAX: {
    schema: z.coerce.number().int().min(1).max(100).default(10),
    fix: "set it to the number of database connections per app process, 1 to 100, e.g. 10",
  },
  API_TOKEN_SIGNING_KEY: {
    schema: z.string().min(1).optional(),
    fix: "set it to an EC P-256 (ES256) or Ed25519 (EdDSA) private key, as a JWK (JSON) or a PKCS#8 PEM; `npm run dev` generates one under .data/ (see README, API tokens)",
  },
  API_TOKEN_PREVIOUS_KEYS: {
    schema: z.string().optional(),
    fix: 'set it to a JSON array (or {"keys": [...]}) of the previous signing keys\' public JWKs, each with its "kid"',
  },
  ACCESS_TOKEN_TTL_MINUTES: {
    schema: z.coerce.number().int().min(1).max(1440).default(15),
    fix: "set it to a whole number of minutes between 1 and 1440, e.g. 15",
  },
  REFRESH_TOKEN_TTL_DAYS: {
    schema: z.coerce.number().int().min(1).max(365).default(30),
    fix: "set it to a whole number of days between 1 and 365, e.g. 30",
  },
  OIDC_HTTP_TIMEOUT_MS: {
    schema: z.coerce.number().int().min(500).max(60_000).default(5000),
    fix: "set it to the milliseconds any call to the identity provider may take, 500 to 60000, e.g. 5000",
  },
  OIDC_METADATA_TTL_SECONDS: {
    schema: z.coerce.number().int().min(1).max(86_400).default(600),
    fix: "set it to how many seconds the IdP's discovery document and keys are reused, 1 to 86400, e.g. 600",
  },
  OIDC_JWKS_REFETCH_COOLDOWN_SECONDS: {
    schema: z.coerce.number().int().min(1).max(3600).default(30),
    fix: "set it to the least seconds between two fetches of the IdP's keys caused by an unknown kid, 1 to 3600, e.g. 30",
  },
  API_TOKEN_FAMILY_MAX_DAYS: {
    schema: z.coerce.number().int().min(1).max(3650).default(90),
    fix: "set it to the most days an API token may be refreshed for, 1 to 3650, e.g. 90",
  },
  API_TOKENS_MAX_PER_USER: {
    schema: z.coerce.number().int().min(1).max(1000).default(20),
    fix: "set it to how many active API tokens one user may hold, 1 to 1000, e.g. 20",
  },
  TRUSTED_PROXY_COUNT: {
    schema: z.coerce.number().int().min(0).max(10).default(0),
    fix: "set it to the number of reverse proxies in front of the app that append to X-Forwarded-For, 0 to 10 (0: the app is reached directly)",
  },
  RATE_LIMIT_LOGIN: {
    schema: rateLimit("60/1m"),
    fix: RATE_LIMIT_FIX,
  },
  RATE_LIMIT_CALLBACK: {
    schema: rateLimit("60/1m"),
    fix: RATE_LIMIT_FIX,
  },
  RATE_LIMIT_REFRESH: {
    schema: rateLimit("120/1m"),
    fix: RATE_LIMIT_FIX,
  },
  RATE_LIMIT_BACKCHANNEL_LOGOUT: {
    schema: rateLimit("120/1m"),
    fix: RATE_LIMIT_FIX,
  },
  RATE_LIMIT_SECURITY_EVENTS: {
    schema: rateLimit("600/1m"),
    fix: RATE_LIMIT_FIX,
  },
  RATE_LIMIT_TOKEN: {
    schema: rateLimit("20/1h"),
    fix: RATE_LIMIT_FIX,
  },
  DATA_RETENTION_DAYS: {
    schema: z.coerce.number().int().min(1).max(3650).default(30),
    fix: "set it to the days ended sessions, spent refresh tokens and old rate-limit counters are kept, 1 to 3650, e.g. 30",
  },
  LOG_LEVEL: {
    schema: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    fix: "set it to one of fatal, error, warn, info, debug, trace or silent, e.g. LOG_LEVEL=info",
  },
  METRICS_TOKEN: {
    schema: z.string().min(16, "must be at least 16 characters").optional(),
    fix: "set it to at least 16 random characters (the bearer token Prometheus sends), e.g. METRICS_TOKEN=$(openssl rand -hex 24); required in production, where loopback-only would be public behind a local proxy; in development unset serves /api/metrics to loopback only",
  },
  INSTANCE_ID: {
    schema: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, "must be 1 to 64 letters, digits, dots, underscores or hyphens").optional(),
    fix: "set it to a short name for this instance (letters, digits, . _ -), e.g. INSTANCE_ID=console-a, or leave it unset",
  },
  INITIAL_ADMIN_EMAILS: {
    schema: emailList,
    fix: "set it to comma-separated email addresses, e.g. INITIAL_ADMIN_EMAILS=alice@example.com,ops@example.com (each becomes admin at their first sign-in, if the identity provider says the email is verified)",
  },
  OIDC_ROLE_CLAIM: {
    schema: z
      .string()
      .refine(isRoleClaimPath, 'must be a claim name or a dotted path of non-empty names, e.g. "groups" or "realm_access.roles"')
      .optional(),
    fix: 'set it to the ID token claim that carries the person\'s groups or roles, a name or a dotted path: "roles" (Entra ID app roles), "groups" (Okta), "realm_access.roles" (Keycloak); set OIDC_ROLE_MAP with it, or leave both unset to manage roles in the console',
  },
  OIDC_ROLE_MAP: {
    schema: roleMap,
    fix: 'set it to a JSON object from the identity provider\'s values to roles (admin, campaign_manager, viewer), e.g. {"vsa-admins":"admin","vsa-managers":"campaign_manager"}; set OIDC_ROLE_CLAIM with it, or leave both unset to manage roles in the console',
  },
  AUDIT_RETENTION_DAYS: {
    schema: z.coerce.number().int().min(1).max(3650).default(365),
    fix: "set it to the days audit events are kept before the prune job deletes them, 1 to 3650, e.g. 365",
  },
  CONNECTION_SECRET_KEY: {
    schema: secretKey.optional(),
    fix: "set it to 32 random bytes in base64, e.g. CONNECTION_SECRET_KEY=$(openssl rand -base64 32): it encrypts the client secrets of connections added at run time (unset: connections can only come from OIDC_ISSUER…; `npm run dev` generates one under .data/)",
  },
  CONNECTION_SECRET_PREVIOUS_KEYS: {
    schema: secretKeyList,
    fix: "set it to the comma-separated keys CONNECTION_SECRET_KEY had before (each 32 bytes in base64): secrets sealed with them still open, and each is sealed with the current key when its connection is next saved",
  },
  DNS_SERVERS: {
    schema: dnsServers,
    fix: 'set it to comma-separated IP addresses of the DNS resolvers that domain verification asks, each with an optional port, e.g. DNS_SERVERS=192.0.2.53 or DNS_SERVERS=127.0.0.1:5353, or leave it unset to use the system\'s resolvers',
  },
} satisfies Record<string, { schema: z.ZodType; fix: string }>;

export type VariableName = keyof typeof VARIABLES;

const shape = Object.fromEntries(Object.entries(VARIABLES).map(([name, { schema }]) => [name, schema])) as { [Name in VariableName]: (typeof VARIABLES)[Name]["schema"] };
/** All of them as one zod object: what loadEnv parses. */
export const schema = z.object(shape);
