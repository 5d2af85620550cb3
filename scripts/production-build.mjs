// What the benchmark and the fault script do before they start the production app: apply the
// migrations to its database, and build it unless told not to (--no-build reuses .next).
import { spawnSync } from "node:child_process";

/** Migrates the database `env` names, then runs `next build` when `build`; throws on a failure. */
export function migrateAndBuild({ root, env, build, log }) {
  const migrate = spawnSync(process.execPath, ["scripts/prisma.mjs", "migrate", "deploy"], { cwd: root, env, stdio: "ignore" });
  if (migrate.status !== 0) throw new Error("migrations failed");
  if (!build) return;
  log("building the production app (next build)");
  const built = spawnSync(process.execPath, ["node_modules/next/dist/bin/next", "build"], { cwd: root, env, stdio: "ignore" });
  if (built.status !== 0) throw new Error("next build failed (run it yourself to see why)");
}
