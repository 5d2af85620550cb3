import { spawnSync } from "node:child_process";

/** `npm run orgs -- …args` as an operator runs it, with `input` on stdin (a client secret). */
export function runOrgsCli(args: string[], env: Record<string, string>, input?: string) {
  const result = spawnSync("npm", ["run", "--silent", "orgs", "--", ...args], { env: { ...process.env, ...env }, input, encoding: "utf8", timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
