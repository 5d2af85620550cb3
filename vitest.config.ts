import path from "node:path";
import { defineConfig } from "vitest/config";

// "server-only" throws outside React's server build; the tests run those modules on the server too.
const alias = { "@": path.resolve(import.meta.dirname), "server-only": path.resolve(import.meta.dirname, "node_modules/server-only/empty.js") };
const integration = { include: ["tests/integration/**/*.test.ts"], fileParallelism: false, testTimeout: 60_000, hookTimeout: 120_000 };

export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      { resolve: { alias }, test: { name: "unit", include: ["tests/unit/**/*.test.ts"], environment: "node" } },
      // The same integration suite twice: against a real PostgreSQL server (DATABASE_URL)
      // and against the embedded database `npm run dev` uses.
      { resolve: { alias }, test: { ...integration, name: "integration-postgres", globalSetup: ["tests/integration/setup-postgres.ts"] } },
      { resolve: { alias }, test: { ...integration, name: "integration-embedded", globalSetup: ["tests/integration/setup-embedded.ts"] } },
    ],
  },
});
