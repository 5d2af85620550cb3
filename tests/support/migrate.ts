import { spawnSync } from "node:child_process";
import path from "node:path";

/** Applies the committed migrations with the same command operators run. */
export function migrate(databaseUrl: string) {
  const result = spawnSync(process.execPath, [path.resolve("scripts/prisma.mjs"), "migrate", "deploy"], {
    env: { ...process.env, DATABASE_URL: databaseUrl },
    encoding: "utf8",
  });
  if (result.status !== 0) throw new Error(`prisma migrate deploy failed:\n${result.stdout}\n${result.stderr}`);
}

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
    /** Connections per simulated app instance (the embedded database takes one). */
    poolMax: number;
    /** Whether several app instances (connection pools) may share this database. */
    multipleInstances: boolean;
  }
}
