import { spawn } from "node:child_process";
import { once } from "node:events";
import path from "node:path";
import { waitFor } from "../../scripts/wait-for.mjs";
import { devIssuer } from "../../lib/config/dev-defaults.mjs";

const ROOT = path.resolve(import.meta.dirname, "../..");

/**
 * The bundled development provider as its own process, as `npm run dev` runs it, holding
 * `accounts` (DEV_OIDC_ACCOUNTS: "example", "acme" or "globex") and one client that returns to `appUrls`.
 */
export async function startDevProviderProcess(options: { port: number; accounts: "example" | "acme" | "globex"; clientId: string; clientSecret: string; appUrls: string[] }) {
  const issuer = devIssuer(options.port);
  const child = spawn(process.execPath, [path.join(ROOT, "scripts/dev/oidc-provider.mjs")], {
    cwd: ROOT,
    env: {
      ...process.env,
      DEV_OIDC_PORT: String(options.port),
      DEV_OIDC_ACCOUNTS: options.accounts,
      DEV_OIDC_APP_URLS: options.appUrls.join(","),
      OIDC_CLIENT_ID: options.clientId,
      OIDC_CLIENT_SECRET: options.clientSecret,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  const exit = once(child, "exit");
  try {
    await waitFor(`the development provider at ${issuer}`, async () => (await fetch(`${issuer}/.well-known/openid-configuration`)).ok, 30_000);
  } catch (error) {
    child.kill("SIGTERM");
    throw new Error(`${(error as Error).message}\n${output}`);
  }
  return {
    issuer,
    output: () => output,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      await exit;
    },
  };
}
