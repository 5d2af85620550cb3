// npm run fault:refresh -- [--families N] [--restarts N] [--interval SECONDS] [--stop SECONDS] [--mode fast|immediate] [--no-build]
//
// What a PostgreSQL restart does to API clients that refresh their tokens: a throwaway
// PostgreSQL cluster of its own (initdb + pg_ctl on a spare port, so no other database is
// disturbed), the production app against it, N API token families refreshing steadily over
// HTTP, and the server restarted every --interval seconds, --restarts times, then stopped for
// --stop seconds once. Each client obeys the answers as README tells clients to: adopt the
// new pair on 200, wait Retry-After and present the same token again on 503. Prints the
// families lost (a 401: want 0), the 503s, any other 5xx or a 503 without JSON and
// Retry-After (want 0), and the longest time a client went without a successful refresh.
// Run with `tsx --conditions=react-server` (package.json), so `server-only` imports resolve.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { generateKeyPairSync, randomBytes, randomUUID } from "node:crypto";
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { createApiTokens } from "../../lib/sessions/api-tokens";
import { createBrowserFamily } from "../../lib/sessions/token-families";
import { createDatabase } from "../../lib/db";
import { devIssuer } from "../../lib/config/dev-defaults.mjs";
import { loadEnv } from "../../lib/config/env";
import { upsertUserFromOidcProfile } from "../../lib/users/upsert-user-from-oidc-profile";
import { migrateAndBuild } from "../production-build.mjs";
import { portOpen, waitFor } from "../wait-for.mjs";

const root = path.resolve(import.meta.dirname, "../..");
const { values: flags } = parseArgs({
  options: {
    families: { type: "string", default: "40" },
    restarts: { type: "string", default: "20" },
    interval: { type: "string", default: "4" },
    stop: { type: "string", default: "10" },
    mode: { type: "string", default: "fast" },
    "no-build": { type: "boolean", default: false },
  },
});
const settings = {
  families: Number(flags.families),
  restarts: Number(flags.restarts),
  intervalMs: Number(flags.interval) * 1000,
  stopMs: Number(flags.stop) * 1000,
  mode: flags.mode,
  // Steady refreshes: each client refreshes again this soon after a success.
  pauseMs: 250,
};
if (!["fast", "immediate"].includes(settings.mode)) throw new Error(`--mode: "${settings.mode}" is neither fast nor immediate`);
const APP_PORT = 3230;
const PG_PORT = 55439;
const appUrl = `http://localhost:${APP_PORT}`;
// A refresh not answered within this is a failure of its own (the server must answer, 503 included).
const ANSWER_TIMEOUT_MS = 30_000;
const runStartedAt = Date.now();
const log = (message: string) => console.log(`[fault] ${message}`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** PostgreSQL's own programs, and who runs them (the server refuses to run as root). */
function postgresTools() {
  const base = "/usr/lib/postgresql";
  const version = existsSync(base) ? readdirSync(base).sort((a, b) => Number(b) - Number(a))[0] : undefined;
  if (!version) throw new Error("PostgreSQL's server programs are not installed (apt-get install postgresql)");
  const bin = path.join(base, version, "bin");
  const asPostgres = process.getuid?.() === 0;
  const run = (program: string, args: string[], options: { check?: boolean } = {}) => {
    const command = asPostgres ? ["runuser", ["-u", "postgres", "--", path.join(bin, program), ...args]] : [path.join(bin, program), args];
    const result = spawnSync(command[0] as string, command[1] as string[], { encoding: "utf8" });
    if ((options.check ?? true) && result.status !== 0) throw new Error(`${program} ${args.join(" ")} failed: ${result.stderr || result.stdout}`);
    return result;
  };
  return { run, asPostgres };
}

/** A cluster of its own in a temporary directory, trusting loopback, on PG_PORT. */
function throwawayCluster() {
  const tools = postgresTools();
  const dir = mkdtempSync(path.join(os.tmpdir(), "vsa-fault-pg-"));
  if (tools.asPostgres) {
    const { uid, gid } = userIds("postgres");
    chownSync(dir, uid, gid);
  }
  chmodSync(dir, 0o700);
  const data = path.join(dir, "data");
  tools.run("initdb", ["-D", data, "-U", "vsa_fault", "--auth=trust", "-E", "UTF8"]);
  const options = `-p ${PG_PORT} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=on`;
  const pgCtl = (args: string[]) => tools.run("pg_ctl", ["-D", data, "-l", path.join(dir, "log"), "-w", "-t", "60", ...args]);
  return {
    url: `postgresql://vsa_fault@127.0.0.1:${PG_PORT}/postgres?sslmode=disable`,
    start: () => pgCtl(["-o", options, "start"]),
    restart: () => pgCtl(["-m", settings.mode, "-o", options, "restart"]),
    stop: () => pgCtl(["-m", settings.mode, "stop"]),
    remove: () => {
      tools.run("pg_ctl", ["-D", data, "-m", "immediate", "stop"], { check: false });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function userIds(name: string): { uid: number; gid: number } {
  const id = (flag: string) => Number(spawnSync("id", [flag, name], { encoding: "utf8" }).stdout.trim());
  return { uid: id("-u"), gid: id("-g") };
}

type ClientRecord = { lost: string | null; ok: number; retried503: number; bad: string[]; longestGapMs: number };

/** One API client: refreshes, obeys 503 + Retry-After, and notes what it saw, until `until()` says stop. */
async function refreshSteadily(token: string, until: () => boolean): Promise<ClientRecord> {
  const record: ClientRecord = { lost: null, ok: 0, retried503: 0, bad: [], longestGapMs: 0 };
  let lastSuccess = Date.now();
  let current = token;
  while (!until()) {
    let response: Response;
    const sentAt = Date.now();
    try {
      response = await fetch(`${appUrl}/api/auth/refresh`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ refresh_token: current }), signal: AbortSignal.timeout(ANSWER_TIMEOUT_MS) });
    } catch (error) {
      record.bad.push(`no answer after ${Date.now() - sentAt} ms (sent at ${((sentAt - runStartedAt) / 1000).toFixed(0)} s): ${(error as Error).name}`);
      await sleep(1000);
      continue;
    }
    const body = (await response.json().catch(() => null)) as { refresh_token?: string; error?: string } | null;
    if (response.status === 200 && body?.refresh_token) {
      current = body.refresh_token;
      record.ok++;
      record.longestGapMs = Math.max(record.longestGapMs, Date.now() - lastSuccess);
      lastSuccess = Date.now();
      await sleep(settings.pauseMs);
    } else if (response.status === 503 && body?.error === "service_unavailable" && response.headers.get("retry-after")) {
      record.retried503++;
      await sleep(Number(response.headers.get("retry-after")) * 1000);
    } else if (response.status === 401) {
      record.lost = body?.error ?? "401";
      return record;
    } else {
      record.bad.push(`${response.status} ${response.headers.get("content-type")} ${body?.error ?? ""}`);
      await sleep(1000);
    }
  }
  return record;
}

async function main() {
  for (const port of [APP_PORT, PG_PORT]) if (await portOpen(port)) throw new Error(`port ${port} is taken; stop what uses it`);
  const cluster = throwawayCluster();
  const children: ChildProcess[] = [];
  const cleanUp = () => {
    for (const child of children) child.kill("SIGTERM");
    cluster.remove();
  };
  process.on("exit", cleanUp);
  process.on("SIGINT", () => process.exit(130));
  cluster.start();

  const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const variables: Record<string, string> = {
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
    PORT: String(APP_PORT),
    AUTH_URL: appUrl,
    AUTH_SECRET: randomBytes(32).toString("base64url"),
    API_TOKEN_SIGNING_KEY: JSON.stringify({ ...privateKey.export({ format: "jwk" }), kid: "fault", alg: "ES256" }),
    // Never called: the seeded sign-ins have no IdP refresh token. Production needs one configured.
    OIDC_ISSUER: devIssuer(9499),
    OIDC_CLIENT_ID: "voicesurveyagent-fault",
    OIDC_CLIENT_SECRET: "fault-client-secret-0123456789",
    METRICS_TOKEN: randomBytes(24).toString("base64url"),
    DATABASE_URL: cluster.url,
    RATE_LIMIT_REFRESH: "100000/1m",
  };
  const env = { ...process.env, ...variables };
  log("throwaway PostgreSQL started; migrating");
  migrateAndBuild({ root, env, build: !flags["no-build"], log });
  const server = spawn(process.execPath, ["node_modules/next/dist/bin/next", "start", "--port", String(APP_PORT)], { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
  children.push(server);
  let serverLog = "";
  const keep = (chunk: Buffer) => (serverLog = (serverLog + chunk).slice(-200_000));
  server.stdout!.on("data", keep);
  server.stderr!.on("data", keep);
  await waitFor("the app", async () => (await fetch(`${appUrl}/api/health/live`)).ok, 60_000);

  log(`seeding ${settings.families} API token families`);
  const { db, pool } = createDatabase(cluster.url, 2);
  const appEnv = loadEnv(variables);
  const tokens: string[] = [];
  for (let index = 0; index < settings.families; index++) {
    const subject = `fault-${randomUUID()}`;
    const { user } = await upsertUserFromOidcProfile(db, { provider: "oidc", organisationId: "operator", subject, email: `${subject}@example.test`, name: "Fault client" });
    const family = await createBrowserFamily(db, { userId: user.id, connectionId: "oidc", idpSubject: subject, idpSessionId: null, idToken: null, expiresAt: new Date(Date.now() + 12 * 3_600_000) });
    const caller = { userId: user.id, role: user.role, familyId: family.id, via: "cookie" as const, email: user.email, name: user.name, expiresAt: 0 };
    tokens.push((await createApiTokens(db, appEnv, caller)).refresh_token);
  }
  await db.$disconnect();
  // The seeding pool must be gone before the first restart ends its connections.
  await pool.end();

  let stopping = false;
  log(`${settings.families} clients refreshing; ${settings.restarts} restarts (${settings.mode}) ${settings.intervalMs / 1000} s apart, then one ${settings.stopMs / 1000} s stop`);
  const clients = tokens.map((token) => refreshSteadily(token, () => stopping));
  const startedAt = Date.now();
  const at = () => `${((Date.now() - startedAt) / 1000).toFixed(1)} s`;
  for (let restart = 0; restart < settings.restarts; restart++) {
    await sleep(settings.intervalMs);
    const before = Date.now();
    cluster.restart();
    log(`${at()}: restart ${restart + 1} took ${Date.now() - before} ms`);
  }
  if (settings.stopMs > 0) {
    await sleep(settings.intervalMs);
    cluster.stop();
    log(`${at()}: stopped`);
    await sleep(settings.stopMs);
    cluster.start();
    log(`${at()}: started again`);
  }
  // Long enough for every client to come back from its last Retry-After and refresh again.
  await sleep(15_000);
  stopping = true;
  const records = await Promise.all(clients);

  const lost = records.filter((record) => record.lost);
  const bad = records.flatMap((record) => record.bad);
  const poolLines = (await (await fetch(`${appUrl}/api/metrics`, { headers: { authorization: `Bearer ${variables.METRICS_TOKEN}` } })).text()).split("\n").filter((line) => line.startsWith("vsa_db_pool"));
  log(`the server's pool at the end: ${poolLines.join("; ")}`);
  const metricsText = await (await fetch(`${appUrl}/api/metrics`, { headers: { authorization: `Bearer ${variables.METRICS_TOKEN}` } })).text();
  const retryAnswered = Number(/vsa_refresh_total\{outcome="retry_answered"\} (\d+)/.exec(metricsText)?.[1] ?? 0);
  const summary = {
    families: settings.families,
    restarts: settings.restarts,
    mode: settings.mode,
    familiesLost: lost.length,
    lostWith: [...new Set(lost.map((record) => record.lost))],
    refreshes: records.reduce((sum, record) => sum + record.ok, 0),
    answered503: records.reduce((sum, record) => sum + record.retried503, 0),
    retryAnswered,
    otherFailures: bad.length,
    otherFailureKinds: [...new Set(bad)].slice(0, 5),
    longestFailureMs: Math.max(...records.map((record) => record.longestGapMs)),
    uncaughtInLog: (serverLog.match(/uncaught|unhandled/gi) ?? []).length,
  };
  console.log(JSON.stringify(summary, null, 2));
  if (bad.length > 0) {
    const unusual = serverLog.split("\n").filter((line) => line && !line.includes('"event":"request"'));
    console.log(`[fault] the server's last lines other than request logs:\n${unusual.slice(-40).join("\n")}`);
  }
  process.exitCode = lost.length === 0 && bad.length === 0 ? 0 : 1;
}

main().then(
  () => process.exit(),
  (error) => {
    console.error(`[fault] ${error instanceof Error ? error.message : error}`);
    process.exit(1);
  },
);
