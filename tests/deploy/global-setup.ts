import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "../..");

function run(what: string, args: string[]) {
  const result = spawnSync(process.execPath, args, { cwd: root, env: process.env, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`${what} failed:\n${result.stdout}\n${result.stderr}`);
}

/** The database migrated, and the production build made unless `npm test`'s end-to-end suite just made it. */
export default function prepareDeployment() {
  run("prisma migrate deploy", ["scripts/prisma.mjs", "migrate", "deploy"]);
  if (!existsSync(path.join(root, ".next/BUILD_ID"))) run("next build", ["node_modules/next/dist/bin/next", "build"]);
}
