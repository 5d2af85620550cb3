import { spawn } from "node:child_process";
import { once } from "node:events";
import path from "node:path";
import { waitFor } from "../../scripts/wait-for.mjs";
import { E2E } from "./e2e-settings";

export type AppInstance = {
  url: string;
  /** SIGTERM, then waits for the exit. */
  stop(): Promise<void>;
  /** Sends a signal without waiting (the deployment suite's SIGKILL and SIGTERM tests). */
  signal(name: NodeJS.Signals): void;
  /** The exit code (null when killed by a signal) and signal, once it has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Everything it printed so far. */
  output(): string;
};

const ROOT = path.resolve(import.meta.dirname, "../..");

/**
 * Another `next start` of the production build the suite made (Playwright's webServer built
 * it), as an operator would run it with some of the configuration changed. Ports: the suite's
 * app port plus one, two… (E2E_APP_PORT=3150 → 3151, 3152). The caller stops it.
 */
export async function startAppInstance(port: number, configuration: Record<string, string>): Promise<AppInstance> {
  const url = `http://localhost:${port}`;
  const child = spawn(process.execPath, [path.join(ROOT, "node_modules/next/dist/bin/next"), "start", "--port", String(port)], {
    cwd: ROOT,
    env: { ...process.env, ...E2E.appEnv, PORT: String(port), AUTH_URL: url, ...configuration },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  const exit = once(child, "exit").then(([code, signal]) => ({ code: code as number | null, signal: signal as NodeJS.Signals | null }));
  const died = exit.then(({ code }) => {
    throw new Error(`the app instance on port ${port} exited (${code}) before it answered:\n${output}`);
  });
  // Only the wait below cares how it ended; a later exit (stop()) is expected.
  died.catch(() => {});
  try {
    await Promise.race([waitFor(`the app instance on port ${port}`, async () => (await fetch(`${url}/api/health/live`)).ok, 60_000), died]);
  } catch (error) {
    child.kill("SIGTERM");
    throw error;
  }
  return {
    url,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      await exit;
    },
    signal: (name) => void child.kill(name),
    exited: exit,
    output: () => output,
  };
}
