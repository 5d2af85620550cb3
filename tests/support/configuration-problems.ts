import { expect } from "vitest";
import { ConfigurationError, loadEnv } from "@/lib/config/env";

/** The least a configuration needs outside production: the two secrets (placeholders). */
export const REQUIRED_SOURCE = { AUTH_SECRET: "s".repeat(32), API_TOKEN_SIGNING_KEY: '{"kty":"EC"}' };

/** A complete production configuration. */
export const PRODUCTION_SOURCE = {
  ...REQUIRED_SOURCE,
  NODE_ENV: "production",
  AUTH_URL: "https://console.example.com",
  OIDC_ISSUER: "https://login.example.com",
  OIDC_CLIENT_ID: "console",
  OIDC_CLIENT_SECRET: "secret",
  DATABASE_URL: "postgresql://u:p@db:5432/console",
  METRICS_TOKEN: "m".repeat(24),
};

/** The ConfigurationError's message loadEnv throws for `source`; fails the test if it throws none. */
export function configurationProblemsOf(source: Record<string, string | undefined>): string {
  try {
    loadEnv(source);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError);
    return (error as Error).message;
  }
  throw new Error("expected a ConfigurationError");
}
