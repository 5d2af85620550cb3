import { describe, expect, it } from "vitest";
import { loadEnv } from "@/lib/config/env";
import { PRODUCTION_SOURCE, REQUIRED_SOURCE, configurationProblemsOf as problemsOf } from "../support/configuration-problems";

const SECRET = REQUIRED_SOURCE.AUTH_SECRET;
const KEY = REQUIRED_SOURCE.API_TOKEN_SIGNING_KEY;

describe("loadEnv", () => {
  it("gives every variable a working development default but the secret", () => {
    const env = loadEnv({ AUTH_SECRET: SECRET, API_TOKEN_SIGNING_KEY: KEY });
    expect(env).toMatchObject({
      nodeEnv: "development",
      port: 3000,
      authUrl: "http://localhost:3000",
      oidcIssuer: "http://127.0.0.1:9400",
      oidcClientId: "voicesurveyagent-dev",
      oidcScopes: "openid email profile",
      databaseUrl: undefined,
      sessionIdleMinutes: 60,
      sessionAbsoluteLifetimeHours: 12,
      accessTokenTtlMinutes: 15,
      refreshTokenTtlDays: 30,
      secureCookies: false,
    });
  });

  it("derives AUTH_URL from PORT and secure cookies from an https AUTH_URL", () => {
    expect(loadEnv({ AUTH_SECRET: SECRET, API_TOKEN_SIGNING_KEY: KEY, PORT: "4000" }).authUrl).toBe("http://localhost:4000");
    const env = loadEnv({ AUTH_SECRET: SECRET, API_TOKEN_SIGNING_KEY: KEY, AUTH_URL: "https://console.example.com/" });
    expect(env.authUrl).toBe("https://console.example.com");
    expect(env.secureCookies).toBe(true);
  });

  it("keeps the issuer exactly as given (an issuer is an identifier) but trims the app URL", () => {
    const env = loadEnv({ AUTH_SECRET: SECRET, API_TOKEN_SIGNING_KEY: KEY, OIDC_ISSUER: "https://tenant.auth0.example/", AUTH_URL: "https://console.example/" });
    expect(env.oidcIssuer).toBe("https://tenant.auth0.example/");
    expect(env.authUrl).toBe("https://console.example");
  });

  it("reads FORWARD_AUTH_PORT as a port or an address and a port; unset, no listener; anything else names the variable and the fix", () => {
    const listen = (value?: string) => loadEnv({ AUTH_SECRET: SECRET, API_TOKEN_SIGNING_KEY: KEY, FORWARD_AUTH_PORT: value }).forwardAuthListen;
    expect(listen()).toBeUndefined();
    expect(listen("3001")).toEqual({ host: undefined, port: 3001 });
    expect(listen("127.0.0.1:3001")).toEqual({ host: "127.0.0.1", port: 3001 });
    expect(listen("[::1]:3001")).toEqual({ host: "::1", port: 3001 });
    for (const bad of ["0", "70000", "port", "127.0.0.1:", "3001/tcp"]) {
      const message = problemsOf({ AUTH_SECRET: SECRET, API_TOKEN_SIGNING_KEY: KEY, FORWARD_AUTH_PORT: bad });
      expect(message, bad).toContain("FORWARD_AUTH_PORT is invalid");
      expect(message, bad).toContain("FORWARD_AUTH_PORT=127.0.0.1:3001");
    }
  });

  it("names a missing AUTH_SECRET and how to make one", () => {
    const message = problemsOf({ API_TOKEN_SIGNING_KEY: KEY });
    expect(message).toContain("AUTH_SECRET is missing");
    expect(message).toContain("openssl rand -base64 32");
  });

  it("refuses a short AUTH_SECRET", () => {
    expect(problemsOf({ AUTH_SECRET: "short" })).toMatch(/AUTH_SECRET is invalid \(must be at least 32 characters\)/);
  });

  it("requires the secrets, the issuer, the client, the database and the metrics token in production", () => {
    const message = problemsOf({ NODE_ENV: "production" });
    for (const variable of ["AUTH_SECRET", "API_TOKEN_SIGNING_KEY", "AUTH_URL", "OIDC_ISSUER", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET", "DATABASE_URL", "METRICS_TOKEN"]) {
      expect(message).toContain(`${variable} is required in production`);
    }
  });

  it("accepts a complete production configuration", () => {
    const env = loadEnv({
      NODE_ENV: "production",
      AUTH_SECRET: SECRET, API_TOKEN_SIGNING_KEY: KEY,
      AUTH_URL: "https://console.example.com",
      OIDC_ISSUER: "https://login.example.com/realms/acme",
      OIDC_CLIENT_ID: "console",
      OIDC_CLIENT_SECRET: "secret",
      DATABASE_URL: "postgresql://u:p@db:5432/console",
      METRICS_TOKEN: "m".repeat(24),
    });
    expect(env.oidcIssuer).toBe("https://login.example.com/realms/acme");
  });

  it.each([
    ["OIDC_ISSUER", "not a url", "must be an http(s) URL"],
    ["OIDC_ISSUER", "ftp://login.example.com", "must be an http(s) URL"],
    ["DATABASE_URL", "mysql://localhost/db", "must start with postgresql://"],
    ["JWT_EXPIRATION_MINUTES", "sixty", "JWT_EXPIRATION_MINUTES is invalid"],
    ["JWT_EXPIRATION_MINUTES", "0", "JWT_EXPIRATION_MINUTES is invalid"],
    ["OIDC_SCOPES", "email profile", 'must include "openid"'],
    ["PORT", "70000", "PORT is invalid"],
    ["ACCESS_TOKEN_TTL_MINUTES", "0", "ACCESS_TOKEN_TTL_MINUTES is invalid"],
    ["REFRESH_TOKEN_TTL_DAYS", "400", "REFRESH_TOKEN_TTL_DAYS is invalid"],
    ["OIDC_HTTP_TIMEOUT_MS", "10", "OIDC_HTTP_TIMEOUT_MS is invalid"],
    ["API_TOKEN_FAMILY_MAX_DAYS", "0", "API_TOKEN_FAMILY_MAX_DAYS is invalid"],
    ["API_TOKENS_MAX_PER_USER", "many", "API_TOKENS_MAX_PER_USER is invalid"],
    ["TRUSTED_PROXY_COUNT", "-1", "TRUSTED_PROXY_COUNT is invalid"],
    ["RATE_LIMIT_LOGIN", "sixty", 'must look like "60/1m"'],
    ["RATE_LIMIT_TOKEN", "5/2d", 'must look like "60/1m"'],
    ["RATE_LIMIT_REFRESH", "0/1m", 'must look like "60/1m"'],
    ["DATA_RETENTION_DAYS", "0", "DATA_RETENTION_DAYS is invalid"],
    ["AUDIT_RETENTION_DAYS", "0", "AUDIT_RETENTION_DAYS is invalid"],
    ["AUDIT_RETENTION_DAYS", "3651", "AUDIT_RETENTION_DAYS is invalid"],
    ["AUDIT_RETENTION_DAYS", "a year", "AUDIT_RETENTION_DAYS is invalid"],
  ])("names %s when it is %j", (variable, value, expected) => {
    const message = problemsOf({ AUTH_SECRET: SECRET, API_TOKEN_SIGNING_KEY: KEY, [variable]: value });
    expect(message).toContain(variable);
    expect(message).toContain(expected);
  });

  it("reads rate limits as requests per window, or off", () => {
    const env = loadEnv({ AUTH_SECRET: SECRET, API_TOKEN_SIGNING_KEY: KEY, RATE_LIMIT_LOGIN: "5/30s", RATE_LIMIT_TOKEN: "off" });
    expect(env.rateLimits.login).toEqual({ points: 5, windowSeconds: 30 });
    expect(env.rateLimits.token).toBeNull();
    expect(env.rateLimits.callback).toEqual({ points: 60, windowSeconds: 60 });
    expect(env.rateLimits.refresh).toEqual({ points: 120, windowSeconds: 60 });
    expect(env).toMatchObject({ oidcHttpTimeoutMs: 5000, apiTokenFamilyMaxDays: 90, apiTokensMaxPerUser: 20, trustedProxyCount: 0, dataRetentionDays: 30, auditRetentionDays: 365 });
  });

  describe("in production", () => {
    const production = PRODUCTION_SOURCE;

    it.each(["OIDC_ISSUER", "AUTH_URL"])("refuses a plain-http %s on another host", (variable) => {
      const message = problemsOf({ ...production, [variable]: "http://login.example.com" });
      expect(message).toContain(`${variable} must be an https:// URL in production`);
    });

    it.each(["http://localhost:9000", "http://127.0.0.1:9000", "http://[::1]:9000"])("allows plain http to the loopback host %s", (url) => {
      expect(loadEnv({ ...production, OIDC_ISSUER: url, AUTH_URL: url }).oidcIssuer).toBe(url);
    });

    it("refuses the development client, its secret and the bundled provider's issuer", () => {
      const message = problemsOf({ ...production, OIDC_ISSUER: "http://127.0.0.1:9400/", OIDC_CLIENT_ID: "voicesurveyagent-dev", OIDC_CLIENT_SECRET: "dev-client-secret-not-for-production" });
      expect(message).toContain("OIDC_ISSUER is the bundled development provider");
      expect(message).toContain("OIDC_CLIENT_ID is the development client");
      expect(message).toContain("OIDC_CLIENT_SECRET is the development client's secret");
      expect(message).not.toContain("dev-client-secret-not-for-production");
    });
  });

  it("never echoes a secret's value in its message", () => {
    expect(problemsOf({ AUTH_SECRET: "hunter2-too-short", API_TOKEN_SIGNING_KEY: KEY })).not.toContain("hunter2");
  });
});
