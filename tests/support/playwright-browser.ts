import { existsSync } from "node:fs";
import { devices, type PlaywrightTestConfig } from "@playwright/test";

// Debian's Chromium where it exists (no browser download is possible on the CI machines);
// CHROMIUM_PATH overrides; otherwise Playwright's own browser (`npx playwright install`).
const chromiumPath = process.env.CHROMIUM_PATH ?? (existsSync("/usr/bin/chromium") ? "/usr/bin/chromium" : undefined);

/** The browser every Playwright suite of this project drives. */
export const BROWSER: NonNullable<PlaywrightTestConfig["use"]> = {
  trace: "retain-on-failure",
  ...devices["Desktop Chrome"],
  launchOptions: chromiumPath
    ? {
        executablePath: chromiumPath,
        args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
      }
    : {},
};

export function requireDatabaseUrl(): string {
  if (!process.env.DATABASE_URL) {
    throw new Error(
      "DATABASE_URL is not set: the end-to-end tests run against a real PostgreSQL database. Set DATABASE_URL=postgresql://USER:PASSWORD@127.0.0.1:5432/DB (.ci/run creates one).",
    );
  }
  return process.env.DATABASE_URL;
}
