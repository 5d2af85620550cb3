#!/usr/bin/env node
// `npm run bench`: what the auth gate costs, measured side by side in one run.
//
// Builds and starts the production app (PostgreSQL from DATABASE_URL, else the embedded
// database) with the development OpenID provider, signs a user in through the real sign-in
// flow in Chromium for a genuine session cookie, mints a Bearer token through
// POST /api/auth/token, then measures with autocannon (alternating rounds after a warm-up):
// /api/health/live (the floor: a public route through the middleware) against
// /api/auth/verify and /api/auth/me with the cookie and with the token, and a 401 path.
// Then RSS before and after 100,000 gated requests with distinct valid tokens and with
// garbage tokens; the administrators' console with 100,000 users seeded
// (scripts/bench/admin-console.mjs); and how long a sign-in takes to fail against an IdP that
// hangs (a second instance against the hostile test provider). Prints tables; writes JSON under
// bench-results/.
//
// Flags: --smoke (short: CI keeps it working), --rounds N, --duration SECONDS,
// --connections N, --memory-requests N, --console-users N, --no-build, --cpu-prof (the
// server's CPU profile into bench-results/cpu-profile/), and
// --only PART[,PART] to run some of: throughput, latency, forward-auth, memory, console,
// organisations, scim, hanging, sign-in. organisations: the email step and the login redirect with
// 1,000 organisations seeded (scripts/bench/organisations.mjs). scim: a directory's full sync
// of 10,000 users and 200 groups and the userName lookup at 100,000 (scripts/bench/scim.mjs).
// revocation: the time from revoking through this instance to a second instance's refusal
// (scripts/bench/revocation.mjs). forward-auth: behind a real nginx (auth_request), the same static file
// unprotected, through the forward-auth listener and through the Next route, with the
// server's CPU per request (scripts/bench/forward-auth.mjs).
import { spawn, spawnSync } from "node:child_process";
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { closeSync, existsSync, fstatSync, mkdirSync, mkdtempSync, openSync, readSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { chromium } from "@playwright/test";
import { devIssuer } from "../../lib/config/dev-defaults.mjs";
import { measureAdminConsole } from "./admin-console.mjs";
import { measureForwardAuth } from "./forward-auth.mjs";
import { measureFixedRateLatency, measureMemory, measureThroughput } from "./gate.mjs";
import { measureHangingIdp } from "./hanging-idp.mjs";
import { measureOrganisations } from "./organisations.mjs";
import { measureScim } from "./scim.mjs";
import { measureTimeToRevoke } from "./revocation.mjs";
import { runLoad } from "./load.mjs";
import { printReport } from "./report.mjs";
import { migrateAndBuild } from "../production-build.mjs";
import { measureSignIns } from "./sign-in.mjs";
import { portOpen, waitFor } from "../wait-for.mjs";

const root = path.resolve(import.meta.dirname, "../..");
const { values: flags } = parseArgs({
  options: {
    smoke: { type: "boolean", default: false },
    rounds: { type: "string" },
    duration: { type: "string" },
    connections: { type: "string", default: "16" },
    "memory-requests": { type: "string" },
    "console-users": { type: "string" },
    "no-build": { type: "boolean", default: false },
    only: { type: "string" },
    "cpu-prof": { type: "boolean", default: false },
  },
});
const PARTS = ["throughput", "latency", "forward-auth", "memory", "console", "organisations", "scim", "hanging", "sign-in", "revocation"];
const only = flags.only?.split(",").map((part) => part.trim()) ?? PARTS;
for (const part of only) if (!PARTS.includes(part)) throw new Error(`--only: unknown part "${part}"; the parts are ${PARTS.join(", ")}`);
const runs = (part) => only.includes(part);
const smoke = flags.smoke;
const settings = {
  rounds: Number(flags.rounds ?? (smoke ? 1 : 5)),
  durationSeconds: Number(flags.duration ?? (smoke ? 1 : 5)),
  warmupSeconds: smoke ? 1 : 3,
  connections: Number(flags.connections),
  memoryRequests: Number(flags["memory-requests"] ?? (smoke ? 2000 : 100_000)),
  consoleUsers: Number(flags["console-users"] ?? (smoke ? 2000 : 100_000)),
  consoleSamples: smoke ? 5 : 30,
  fixedRate: 200,
  forwardAuthRate: 5000,
};
const APP_PORT = 3200;
// The app's forward-auth listener (FORWARD_AUTH_PORT), and the nginx in front of it.
const LISTENER_PORT = APP_PORT + 10;
const NGINX_PORT = APP_PORT + 11;
const OIDC_PORT = 9420;
const appUrl = `http://localhost:${APP_PORT}`;
const children = [];

function log(message) {
  console.log(`[bench] ${message}`);
}

// The server under test gets a core of its own and the load generator (this process) the
// other, so a tail latency is the server's, not two processes taking turns on one core.
const PINNING = os.cpus().length >= 2 && spawnSync("taskset", ["-V"], { stdio: "ignore" }).status === 0;
if (PINNING) spawnSync("taskset", ["-cp", "0", String(process.pid)], { stdio: "ignore" });

// The children write their output to files, not to pipes this process reads: this process is
// also the load generator, and while it is busy a full pipe made the server wait on its log
// writes (at a fixed 5,000 requests/s: a p99 of 90 ms, pauses up to 400 ms; log lines piling up in its heap).
const outputDir = mkdtempSync(path.join(os.tmpdir(), "vsa-bench-output-"));
process.on("exit", () => rmSync(outputDir, { recursive: true, force: true }));

function lastBytes(file, count) {
  const descriptor = openSync(file, "r");
  try {
    const { size } = fstatSync(descriptor);
    const length = Math.min(count, size);
    const buffer = Buffer.alloc(length);
    readSync(descriptor, buffer, 0, length, size - length);
    return buffer.toString("utf8");
  } finally {
    closeSync(descriptor);
  }
}

function start(name, args, env, { cpu } = {}) {
  const outputFile = path.join(outputDir, `${children.length}.log`);
  const output = openSync(outputFile, "w");
  const stdio = ["ignore", output, output];
  const child =
    PINNING && cpu !== undefined
      ? spawn("taskset", ["-c", String(cpu), process.execPath, ...args], { cwd: root, env, stdio })
      : spawn(process.execPath, args, { cwd: root, env, stdio });
  closeSync(output);
  child.on("exit", (code) => {
    if (!stopping) {
      console.error(`[bench] ${name} exited (${code}):\n${lastBytes(outputFile, 20_000)}`);
      stop(1);
    }
  });
  children.push(child);
  return child;
}

let stopping = false;
function stop(code) {
  stopping = true;
  for (const child of children) child.kill("SIGTERM");
  setTimeout(() => process.exit(code), 300).unref();
}
process.on("SIGINT", () => stop(130));

async function startEmbeddedDatabase() {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "vsa-bench-pg-"));
  const port = 54339;
  start("embedded database", [path.join(root, "node_modules/@electric-sql/pglite-socket/dist/scripts/server.js"), "-d", dataDir, "-p", String(port), "-m", "4"], process.env);
  await waitFor("the embedded database", () => portOpen(port), 30_000);
  process.on("exit", () => rmSync(dataDir, { recursive: true, force: true }));
  return { url: `postgresql://postgres:postgres@127.0.0.1:${port}/postgres?sslmode=disable`, poolMax: "1" };
}

async function signIn() {
  const executablePath = process.env.CHROMIUM_PATH ?? (existsSync("/usr/bin/chromium") ? "/usr/bin/chromium" : undefined);
  const browser = await chromium.launch({
    executablePath,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
  try {
    const page = await browser.newPage();
    await page.goto(`${appUrl}/api/auth/login?callbackUrl=/profile`);
    await page.fill("input[name=login]", "alice@example.com");
    await page.fill("input[name=password]", "alice");
    await page.getByRole("button", { name: "Sign-in" }).click();
    await page.getByRole("button", { name: "Continue" }).click();
    await page.waitForURL(`${appUrl}/profile`);
    const cookie = (await page.context().cookies()).find((c) => c.name === "authjs.session-token");
    if (!cookie) throw new Error("no session cookie after signing in");
    return `${cookie.name}=${cookie.value}`;
  } finally {
    await browser.close();
  }
}

async function main() {
  for (const port of [APP_PORT, LISTENER_PORT, NGINX_PORT, OIDC_PORT]) if (await portOpen(port)) throw new Error(`port ${port} is taken; stop what uses it`);
  const database = process.env.DATABASE_URL ? { url: process.env.DATABASE_URL, poolMax: process.env.DATABASE_POOL_MAX ?? "10" } : await startEmbeddedDatabase();
  const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const signingJwk = { ...privateKey.export({ format: "jwk" }), kid: "bench", alg: "ES256" };
  // Required in production; serverMetrics (bench-load.mjs) sends it.
  process.env.METRICS_TOKEN = randomBytes(24).toString("base64url");
  const env = {
    ...process.env,
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
    PORT: String(APP_PORT),
    AUTH_URL: appUrl,
    AUTH_SECRET: randomBytes(32).toString("base64url"),
    API_TOKEN_SIGNING_KEY: JSON.stringify(signingJwk),
    OIDC_ISSUER: devIssuer(OIDC_PORT),
    // Production refuses the development client: the bench registers its own at the provider.
    OIDC_CLIENT_ID: "voicesurveyagent-bench",
    OIDC_CLIENT_SECRET: "bench-client-secret-0123456789",
    DATABASE_URL: database.url,
    DATABASE_POOL_MAX: database.poolMax,
    // Each run mints an API token for alice: runs one after another must not meet the
    // production limit of 20 an hour.
    RATE_LIMIT_TOKEN: "10000/1h",
    // The organisations part starts hundreds of sign-ins from one address.
    RATE_LIMIT_LOGIN: "100000/1m",
    // Seals the connections the organisations and sign-in parts add.
    CONNECTION_SECRET_KEY: randomBytes(32).toString("base64"),
  };

  log(`database: ${process.env.DATABASE_URL ? "PostgreSQL from DATABASE_URL" : "embedded (PGlite)"}; migrating`);
  migrateAndBuild({ root, env, build: !flags["no-build"], log });
  start("development OpenID provider", ["scripts/dev/oidc-provider.mjs"], { ...env, DEV_OIDC_PORT: String(OIDC_PORT), DEV_OIDC_APP_URLS: appUrl });
  // --cpu-prof: the server's V8 CPU profile, written when it exits (open it in Chrome's DevTools).
  const profile = flags["cpu-prof"] ? ["--cpu-prof", `--cpu-prof-dir=${path.join(root, "bench-results/cpu-profile")}`] : [];
  // The forward-auth listener in this instance's environment only: the other parts start
  // instances of their own from `env`, which would contend for its port.
  const server = start("next start", [...profile, "node_modules/next/dist/bin/next", "start", "--port", String(APP_PORT)], { ...env, FORWARD_AUTH_PORT: `127.0.0.1:${LISTENER_PORT}` }, { cpu: 1 });
  log(PINNING ? "the server runs on CPU 1, the load generator on CPU 0 (taskset)" : "not pinned to CPUs (taskset or a second core is missing)");
  await waitFor("the app", async () => (await fetch(`${appUrl}/api/health`)).ok, 60_000);
  await waitFor("the OpenID provider", async () => (await fetch(`${devIssuer(OIDC_PORT)}/.well-known/openid-configuration`)).ok, 30_000);

  log("signing in through the development provider (Chromium)");
  const cookie = await signIn();
  const sessionCookie = { value: cookie };
  // Each run signs out at its end, which revokes the token too: runs would otherwise pile up
  // tokens until API_TOKENS_MAX_PER_USER refuses the next one.
  signOutOfBench = () => fetch(`${appUrl}/api/auth/logout`, { method: "POST", headers: { cookie: sessionCookie.value, origin: appUrl } });
  const minted = await fetch(`${appUrl}/api/auth/token`, { method: "POST", headers: { cookie, origin: appUrl } });
  if (minted.status === 409) {
    throw new Error(
      "POST /api/auth/token answered 409 too_many_api_tokens: alice holds API_TOKENS_MAX_PER_USER tokens from interrupted runs; " +
        "revoke them (/admin, alice's page: Sign out everywhere) or point DATABASE_URL at a fresh database",
    );
  }
  if (!minted.ok) throw new Error(`POST /api/auth/token answered ${minted.status}`);
  const { access_token: accessToken } = await minted.json();

  const targets = [
    { name: "/api/health/live (floor)", path: "/api/health/live", headers: {}, status: 200 },
    { name: "/api/auth/verify cookie", path: "/api/auth/verify", headers: { cookie }, status: 204 },
    { name: "/api/auth/verify Bearer", path: "/api/auth/verify", headers: { authorization: `Bearer ${accessToken}` }, status: 204 },
    { name: "/api/auth/me cookie", path: "/api/auth/me", headers: { cookie }, status: 200 },
    { name: "/api/auth/me Bearer", path: "/api/auth/me", headers: { authorization: `Bearer ${accessToken}` }, status: 200 },
    { name: "401 garbage Bearer", path: "/api/auth/me", headers: { authorization: "Bearer garbage.token.value" }, status: 401 },
  ];
  for (const target of targets) {
    const response = await fetch(`${appUrl}${target.path}`, { headers: target.headers });
    if (response.status !== target.status) throw new Error(`${target.name} answered ${response.status}, expected ${target.status}`);
    target.setCookie = response.headers.has("set-cookie");
  }

  // Like a browser, adopt a renewed session cookie (the sliding session re-issues it every
  // 5 minutes); a client that never did would get the same renewed value on each response.
  const adoptRenewedCookie = async () => {
    const response = await fetch(`${appUrl}/api/auth/verify`, { headers: { cookie: sessionCookie.value } });
    const renewed = /authjs\.session-token=([^;]+)/.exec(response.headers.get("set-cookie") ?? "")?.[1];
    if (renewed) sessionCookie.value = `authjs.session-token=${renewed}`;
    for (const target of targets) if (target.headers.cookie) target.headers.cookie = sessionCookie.value;
  };
  const gate = { appUrl, rounds: settings.rounds, durationSeconds: settings.durationSeconds, beforeRound: adoptRenewedCookie };
  const report = { date: new Date().toISOString(), smoke, only, settings, machine: { cpus: os.cpus().length, node: process.version, pinned: PINNING }, database: process.env.DATABASE_URL ? "postgresql" : "embedded" };

  if (runs("throughput") || runs("latency")) {
    log(`warm-up ${settings.warmupSeconds} s per route`);
    for (const target of targets) await runLoad({ url: `${appUrl}${target.path}`, headers: target.headers, duration: settings.warmupSeconds, connections: settings.connections });
  }
  if (runs("throughput")) {
    log(`throughput: ${settings.rounds} alternating rounds of ${settings.durationSeconds} s, ${settings.connections} connections`);
    report.summary = await measureThroughput({ ...gate, targets, connections: settings.connections });
    // Set-Cookie again after minutes of load (a browser-like client adopts renewals).
    await adoptRenewedCookie();
    for (const target of targets) {
      const response = await fetch(`${appUrl}${target.path}`, { headers: target.headers });
      target.setCookie ||= response.headers.has("set-cookie");
    }
    for (const row of report.summary) row.setCookie = targets.find((target) => target.name === row.route).setCookie;
  }
  if (runs("latency")) {
    log(`latency at a fixed ${settings.fixedRate} requests/s (4 connections), ${settings.rounds} alternating rounds of ${settings.durationSeconds} s`);
    report.fixedRate = await measureFixedRateLatency({ ...gate, targets: targets.slice(0, 3), rate: settings.fixedRate });
  }
  if (runs("forward-auth")) {
    log(`forward auth behind nginx: ${settings.rounds} alternating rounds of ${settings.durationSeconds} s, ${settings.connections} connections, then a fixed ${settings.forwardAuthRate} requests/s`);
    report.forwardAuth = await measureForwardAuth({
      appPort: APP_PORT,
      listenerPort: LISTENER_PORT,
      nginxPort: NGINX_PORT,
      serverPid: server.pid,
      pin: PINNING,
      cookie: sessionCookie,
      accessToken,
      rounds: settings.rounds,
      durationSeconds: settings.durationSeconds,
      warmupSeconds: settings.warmupSeconds,
      connections: settings.connections,
      fixedRate: settings.forwardAuthRate,
      beforeRound: adoptRenewedCookie,
    });
    log(`forward auth: RSS with ${settings.memoryRequests} distinct valid tokens through the listener`);
    report.forwardAuth.memory = await measureMemory({ appUrl, serverPid: server.pid, accessToken, signingJwk, requests: settings.memoryRequests, connections: settings.connections, url: `http://127.0.0.1:${LISTENER_PORT}/api/auth/verify` });
  }
  if (runs("memory")) {
    log(`memory: ${settings.memoryRequests} gated requests with distinct valid tokens, then with garbage tokens`);
    report.memory = await measureMemory({ appUrl, serverPid: server.pid, accessToken, signingJwk, requests: settings.memoryRequests, connections: settings.connections });
  }
  if (runs("console")) {
    log(`the administrators' console: ${settings.consoleUsers} users seeded, ${settings.consoleSamples} requests per page`);
    await adoptRenewedCookie();
    report.adminConsole = await measureAdminConsole({
      appUrl,
      databaseUrl: database.url,
      cookie: sessionCookie.value,
      adminEmail: "alice@example.com",
      users: settings.consoleUsers,
      samples: settings.consoleSamples,
    });
  }
  if (runs("organisations")) {
    log("organisations: 1,000 organisations, 5,000 verified domains and 1,500 connections seeded; the email step and the login redirect, one request at a time");
    report.organisations = await measureOrganisations({ appUrl, env, issuer: devIssuer(OIDC_PORT), samples: smoke ? 20 : 500 });
  }
  if (runs("scim")) {
    const scimUsers = smoke ? 100 : 10_000;
    const scimGroups = smoke ? 5 : 200;
    log(`scim: a directory's full sync of ${scimUsers} users and ${scimGroups} groups (8 in flight), then the userName lookup at ${smoke ? 1_000 : 100_000} users`);
    report.scim = await measureScim({ appUrl, env, users: scimUsers, groups: scimGroups, filterUsers: smoke ? 1_000 : 100_000, samples: smoke ? 20 : 200 });
  }
  if (runs("hanging")) {
    log("a hanging identity provider: sign-ins whose token endpoint holds its answer for 30 s");
    report.hanging = await measureHangingIdp({ start, env, appPort: APP_PORT + 1, oidcPort: OIDC_PORT + 1, runs: smoke ? 1 : 3 });
  }
  if (runs("sign-in")) {
    log(`the sign-in's own cost: the callback beside Auth.js wired by hand (bench/anchor), ${smoke ? 3 : 40} browserless sign-ins each`);
    report.signIns = await measureSignIns({
      start,
      env,
      ports: { console: APP_PORT + 2, consoleIdp: OIDC_PORT + 2, anchor: APP_PORT + 3, anchorIdp: OIDC_PORT + 3 },
      runs: smoke ? 3 : 40,
      build: !flags["no-build"],
    });
  }
  if (runs("revocation")) {
    const samples = smoke ? 5 : 100;
    log(`revocation: ${samples} API tokens revoked through the first instance, each asked of a second instance until it refuses`);
    await adoptRenewedCookie();
    report.revocation = await measureTimeToRevoke({ start, env, appUrl, databaseUrl: database.url, secondPort: APP_PORT + 5, cookie: sessionCookie.value, samples });
  }
  printReport(report);

  const outDir = path.join(root, "bench-results");
  mkdirSync(outDir, { recursive: true });
  const file = path.join(outDir, `bench-${report.date.replace(/[:.]/g, "-")}${smoke ? "-smoke" : ""}.json`);
  writeFileSync(file, JSON.stringify(report, null, 2));
  writeFileSync(path.join(outDir, "latest.json"), JSON.stringify(report, null, 2));
  log(`written to ${path.relative(root, file)}`);
}

/** Set once the bench has signed in; called at the end of the run, whatever its outcome. */
let signOutOfBench = async () => {};

main().then(
  async () => {
    await signOutOfBench().catch(() => {});
    stop(0);
  },
  async (error) => {
    console.error(`[bench] ${error instanceof Error ? `${error.message}${error.cause ? ` (${error.cause.message ?? error.cause})` : ""}\n${error.stack?.split("\n").slice(1, 4).join("\n")}` : error}`);
    await signOutOfBench().catch(() => {});
    stop(1);
  },
);
