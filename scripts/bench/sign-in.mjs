// Part of `npm run bench`: what a sign-in costs. The console's callback is timed beside the
// anchor's (bench/anchor: Auth.js wired by hand, no database), both production builds signing
// in browserless against their own fast local IdP (the hostile test provider, behaving), and
// the statements the console sends to PostgreSQL during each callback are counted (from its
// own metric, vsa_db_statements_total, read before and after).
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { serverMetrics } from "./load.mjs";
import { portOpen, waitFor } from "../wait-for.mjs";

const root = path.resolve(import.meta.dirname, "../..");
const ANCHOR_DIR = "bench/anchor";

function cookieJar() {
  const jar = new Map();
  return {
    take(response) {
      for (const header of response.headers.getSetCookie()) {
        const [pair] = header.split(";");
        const [name, ...value] = pair.split("=");
        if (value.join("=") === "" || /max-age=0/i.test(header)) jar.delete(name);
        else jar.set(name, value.join("="));
      }
    },
    header: () => [...jar].map(([name, value]) => `${name}=${value}`).join("; "),
  };
}

async function statementsSent(appUrl) {
  return (await serverMetrics(appUrl))("vsa_db_statements_total");
}

/**
 * A GET sent again once when the kept-alive connection it went out on was closed by the server
 * as it was sent (undici: "other side closed"): safe for these idempotent GETs, and not what is
 * measured (CI flake: the console instance's keep-alive timeout met the first login request).
 */
async function getRetryingAClosedConnection(url, init) {
  try {
    return await fetch(url, init);
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    return fetch(url, init);
  }
}

/** The console: GET /api/auth/login (through `connectionId`, else the environment's), the IdP's authorize, then the callback (timed). */
async function consoleSignIn(appUrl, connectionId) {
  const jar = cookieJar();
  const login = await getRetryingAClosedConnection(`${appUrl}/api/auth/login?callbackUrl=/profile${connectionId ? `&connection=${connectionId}` : ""}`, { redirect: "manual" });
  jar.take(login);
  const authorize = await getRetryingAClosedConnection(login.headers.get("location"), { redirect: "manual" });
  const before = await statementsSent(appUrl);
  const started = performance.now();
  const callback = await fetch(authorize.headers.get("location"), { redirect: "manual", headers: { cookie: jar.header() } });
  const ms = performance.now() - started;
  await callback.arrayBuffer();
  // The audit event is written once the answer is sent: it counts, so wait for it to go out.
  await new Promise((resolve) => setTimeout(resolve, 50));
  const statements = (await statementsSent(appUrl)) - before;
  if (!/\/profile$/.test(callback.headers.get("location") ?? "")) throw new Error(`the console's sign-in failed: ${callback.status} ${callback.headers.get("location")}`);
  return { ms, statements };
}

/** The anchor: Auth.js's own CSRF-checked POST /api/auth/signin/oidc, the IdP, then the callback (timed). */
async function anchorSignIn(appUrl) {
  const jar = cookieJar();
  const csrf = await fetch(`${appUrl}/api/auth/csrf`);
  jar.take(csrf);
  const { csrfToken } = await csrf.json();
  const signIn = await fetch(`${appUrl}/api/auth/signin/oidc`, {
    method: "POST",
    redirect: "manual",
    headers: { cookie: jar.header(), "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ csrfToken, callbackUrl: `${appUrl}/done` }),
  });
  jar.take(signIn);
  const authorize = await fetch(signIn.headers.get("location"), { redirect: "manual" });
  const started = performance.now();
  const callback = await fetch(authorize.headers.get("location"), { redirect: "manual", headers: { cookie: jar.header() } });
  const ms = performance.now() - started;
  await callback.arrayBuffer();
  if (!/\/done$/.test(callback.headers.get("location") ?? "")) throw new Error(`the anchor's sign-in failed: ${callback.status} ${callback.headers.get("location")}`);
  return { ms, statements: 0 };
}

/**
 * An organisation whose connection is the same IdP and client as the environment's, made with
 * `npm run orgs` as an operator would; its domain is the one the provider's emails have.
 * Answers the connection's id and how to remove the organisation again.
 */
function addRunTimeConnection(env, { issuer, clientId, clientSecret }) {
  const orgs = (args, input) => {
    const result = spawnSync("npm", ["run", "--silent", "orgs", "--", ...args], { cwd: root, env, input, encoding: "utf8" });
    if (result.status !== 0) throw new Error(`npm run orgs -- ${args[0]} failed:\n${result.stderr}`);
    return result.stdout;
  };
  const slug = `bench-sign-in-${Date.now()}`;
  orgs(["create", slug, "Bench sign-in organisation"]);
  orgs(["add-domain", slug, "hostile.test"]);
  orgs(["verify-domain", slug, "hostile.test", "--mark"]);
  const added = orgs(["add-connection", slug, "--issuer", issuer, "--client-id", clientId, "--client-secret-file", "-", "--domains", "hostile.test"], clientSecret);
  return { id: added.trim().split("\n").at(-1), slug };
}

async function removeOrganisation(databaseUrl, slug) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(`DELETE FROM "User" WHERE "organisationId" IN (SELECT id FROM "Organisation" WHERE slug = $1)`, [slug]);
    await client.query(`DELETE FROM "Organisation" WHERE slug = $1`, [slug]);
  } finally {
    await client.end();
  }
}

const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
};

/**
 * Starts two behaving hostile providers, a second console instance and the anchor (built
 * here unless `build` is false and a build exists), then alternates `runs` sign-ins of each
 * after a few unmeasured ones. The console signs in one returning user again and again.
 */
export async function measureSignIns({ start, env, ports, runs, build }) {
  for (const port of Object.values(ports)) if (await portOpen(port)) throw new Error(`port ${port} is taken; stop what uses it`);
  if (build || !existsSync(path.join(root, ANCHOR_DIR, ".next/BUILD_ID"))) {
    // webpack, not Turbopack: Turbopack takes the repository as its root and would pull the
    // console's own middleware.ts into the anchor.
    const built = spawnSync(process.execPath, ["node_modules/next/dist/bin/next", "build", "--webpack", ANCHOR_DIR], { cwd: root, env, stdio: "ignore" });
    if (built.status !== 0) throw new Error("building the anchor app failed (run `npx next build --webpack bench/anchor` to see why)");
  }
  const apps = {
    console: { url: `http://localhost:${ports.console}`, idp: `http://127.0.0.1:${ports.consoleIdp}`, client: "bench-console-sign-in" },
    anchor: { url: `http://localhost:${ports.anchor}`, idp: `http://127.0.0.1:${ports.anchorIdp}`, client: "bench-anchor-sign-in" },
  };
  for (const [name, app] of Object.entries(apps)) {
    start(`hostile OpenID provider (${name})`, ["tests/support/hostile-oidc-provider.mjs"], {
      ...env,
      HOSTILE_OIDC_PORT: new URL(app.idp).port,
      HOSTILE_OIDC_CLIENT_ID: app.client,
      HOSTILE_OIDC_CLIENT_SECRET: `${app.client}-secret-0123456789`,
      HOSTILE_OIDC_REDIRECT_URI: `${app.url}/api/auth/callback/oidc`,
    });
  }
  const appEnv = (app) => ({ ...env, AUTH_URL: app.url, OIDC_ISSUER: app.idp, OIDC_CLIENT_ID: app.client, OIDC_CLIENT_SECRET: `${app.client}-secret-0123456789` });
  start("next start (sign-in cost)", ["node_modules/next/dist/bin/next", "start", "--port", String(ports.console)], {
    ...appEnv(apps.console),
    PORT: String(ports.console),
    // Counted, as in production, but never in the way of 40 sign-ins from one address.
    RATE_LIMIT_LOGIN: "10000/1m",
    RATE_LIMIT_CALLBACK: "10000/1m",
  });
  start("next start (anchor)", ["node_modules/next/dist/bin/next", "start", ANCHOR_DIR, "--port", String(ports.anchor)], { ...appEnv(apps.anchor), PORT: String(ports.anchor) });
  for (const app of Object.values(apps)) {
    await waitFor(`the provider at ${app.idp}`, async () => (await fetch(`${app.idp}/.well-known/openid-configuration`)).ok, 30_000);
    await fetch(`${app.idp}/__scenario`, { method: "POST", body: JSON.stringify({ authorize: { sub: "bench-returning-user" } }) });
  }
  await waitFor("the console instance", async () => (await fetch(`${apps.console.url}/api/health/live`)).ok, 60_000);
  await waitFor("the anchor", async () => (await fetch(`${apps.anchor.url}/api/auth/providers`)).ok, 60_000);

  for (let i = 0; i < 5; i++) {
    await consoleSignIn(apps.console.url);
    await anchorSignIn(apps.anchor.url);
  }
  const samples = { console: [], anchor: [] };
  for (let i = 0; i < runs; i++) {
    samples.console.push(await consoleSignIn(apps.console.url));
    samples.anchor.push(await anchorSignIn(apps.anchor.url));
  }
  // Then through a connection added at run time (the same IdP and client, its own organisation):
  // after the environment's runs, since its domain then belongs to that organisation.
  const connection = addRunTimeConnection(env, { issuer: apps.console.idp, clientId: apps.console.client, clientSecret: `${apps.console.client}-secret-0123456789` });
  try {
    for (let i = 0; i < 5; i++) await consoleSignIn(apps.console.url, connection.id);
    samples.connection = [];
    for (let i = 0; i < runs; i++) {
      samples.connection.push(await consoleSignIn(apps.console.url, connection.id));
      samples.anchor.push(await anchorSignIn(apps.anchor.url));
    }
  } finally {
    await removeOrganisation(env.DATABASE_URL, connection.slug);
  }
  const summarize = (list) => ({
    p50Ms: Number(percentile(list.map((s) => s.ms), 50).toFixed(1)),
    p90Ms: Number(percentile(list.map((s) => s.ms), 90).toFixed(1)),
    statementsPerSignIn: percentile(list.map((s) => s.statements), 50),
  });
  return { runs, console: summarize(samples.console), connection: summarize(samples.connection), anchor: summarize(samples.anchor) };
}
