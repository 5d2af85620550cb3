import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { portOpen, waitFor } from "../../scripts/wait-for.mjs";
import os from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { migrate } from "../support/migrate";
import { freePort } from "../support/free-port";



/** Starts the embedded database exactly as `npm run dev` does, in a throwaway folder. */
export default async function setup(project: TestProject) {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "vsa-pglite-"));
  const port = await freePort();
  const server = spawn(
    process.execPath,
    [path.resolve("node_modules/@electric-sql/pglite-socket/dist/scripts/server.js"), "-d", dataDir, "-p", String(port), "-m", "4"],
    { stdio: "ignore" },
  );
  await waitFor("the embedded database", () => portOpen(port), 30_000);
  const databaseUrl = `postgresql://postgres:postgres@127.0.0.1:${port}/postgres?sslmode=disable`;
  migrate(databaseUrl);
  project.provide("databaseUrl", databaseUrl);
  // As `npm run dev` runs it: one app instance with one connection.
  project.provide("poolMax", 1);
  project.provide("multipleInstances", false);
  return () => {
    server.kill("SIGTERM");
    rmSync(dataDir, { recursive: true, force: true });
  };
}
