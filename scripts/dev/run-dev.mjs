#!/usr/bin/env node
// `npm run dev`: the whole app on a fresh machine with no configuration. Whatever is not
// configured gets its development stand-in: an embedded PostgreSQL (PGlite, data under
// .data/pg) when DATABASE_URL is unset, the bundled OpenID provider when OIDC_ISSUER is
// unset (two of them then: the operator organisation's and a second organisation's, acme,
// whose organisation is set up with `npm run orgs`), and an AUTH_SECRET generated once
// under .data/. Then `next dev`.
import { spawn, spawnSync } from "node:child_process";
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { DEV_DEFAULTS, devIssuer, embeddedDatabaseUrl } from "../../lib/config/dev-defaults.mjs";
import { portOpen, waitFor } from "../wait-for.mjs";

const root = path.resolve(import.meta.dirname, "../..");
const dataDir = path.join(root, ".data");
const children = [];
// Telemetry would try the network, which this kind of machine does not have.
const env = { NEXT_TELEMETRY_DISABLED: "1", ...process.env };
// Read .env files the way Next.js will, so a DATABASE_URL or OIDC_ISSUER set there decides
// what is started here too (@next/env is Next's own loader; it never overrides real env).
const requireFromNext = createRequire(createRequire(import.meta.url).resolve("next/package.json"));
Object.assign(env, { ...requireFromNext("@next/env").loadEnvConfig(root, true, { info() {}, error: console.error }).combinedEnv, ...env });
const port = Number(env.PORT || DEV_DEFAULTS.appPort);
const appUrl = (env.AUTH_URL || `http://localhost:${port}`).replace(/\/+$/, "");

function log(message) {
  console.log(`[dev] ${message}`);
}

function startChild(name, command, args, childEnv) {
  const child = spawn(command, args, { cwd: root, env: childEnv, stdio: ["ignore", "inherit", "inherit"] });
  child.on("exit", (code, signal) => {
    if (!shuttingDown) {
      console.error(`[dev] ${name} stopped (${signal ?? `exit ${code}`}); stopping everything.`);
      shutdown(code || 1);
    }
  });
  children.push(child);
  return child;
}

let shuttingDown = false;
function shutdown(code) {
  shuttingDown = true;
  for (const child of children) child.kill("SIGTERM");
  setTimeout(() => process.exit(code), 500).unref();
}
process.on("SIGINT", () => shutdown(0));
process.on("SIGTERM", () => shutdown(0));



function ensureAuthSecret() {
  if (env.AUTH_SECRET) return;
  const file = path.join(dataDir, "auth-secret");
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString("base64url"), { mode: 0o600 });
  env.AUTH_SECRET = readFileSync(file, "utf8").trim();
  log(`AUTH_SECRET is not set: using the development secret kept in ${path.relative(root, file)} (set AUTH_SECRET in production).`);
}

function ensureConnectionSecretKey() {
  if (env.CONNECTION_SECRET_KEY) return;
  const file = path.join(dataDir, "connection-secret-key");
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString("base64"), { mode: 0o600 });
  env.CONNECTION_SECRET_KEY = readFileSync(file, "utf8").trim();
  log(`CONNECTION_SECRET_KEY is not set: connections' client secrets are sealed with the development key kept in ${path.relative(root, file)}.`);
}

function ensureApiTokenSigningKey() {
  if (env.API_TOKEN_SIGNING_KEY) return;
  const file = path.join(dataDir, "api-token-signing-key.jwk");
  if (!existsSync(file)) {
    const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const jwk = { ...privateKey.export({ format: "jwk" }), kid: `dev-${randomBytes(4).toString("hex")}`, alg: "ES256" };
    writeFileSync(file, JSON.stringify(jwk), { mode: 0o600 });
  }
  env.API_TOKEN_SIGNING_KEY = readFileSync(file, "utf8").trim();
  log(`API_TOKEN_SIGNING_KEY is not set: using the development ES256 key kept in ${path.relative(root, file)}.`);
}

async function ensureDatabase() {
  if (env.DATABASE_URL) {
    log("DATABASE_URL is set: using that PostgreSQL server.");
  } else {
    const dbPort = Number(env.EMBEDDED_DB_PORT || DEV_DEFAULTS.embeddedDbPort);
    if (await portOpen(dbPort)) throw new Error(`port ${dbPort} for the embedded database is taken: set EMBEDDED_DB_PORT to a free port`);
    const server = path.join(root, "node_modules/@electric-sql/pglite-socket/dist/scripts/server.js");
    // -m 4: the app's one connection plus the migration command's.
    startChild("embedded database", process.execPath, [server, "-d", path.join(dataDir, "pg"), "-p", String(dbPort), "-m", "4"], env);
    await waitFor("the embedded database", () => portOpen(dbPort));
    env.DATABASE_URL = embeddedDatabaseUrl(dbPort);
    // PGlite is one backend: its socket server interleaves the extended-protocol messages of
    // concurrent connections outside transactions, so the app keeps a single connection.
    env.DATABASE_POOL_MAX = "1";
    log(`DATABASE_URL is not set: embedded PostgreSQL (PGlite) on 127.0.0.1:${dbPort}, data in .data/pg.`);
  }
  log("applying database migrations...");
  const migrate = spawnSync(process.execPath, [path.join(root, "scripts/prisma.mjs"), "migrate", "deploy"], { cwd: root, env, stdio: "inherit" });
  if (migrate.status !== 0) throw new Error("database migrations failed (see above)");
}

/** Starts the bundled OpenID provider on `port` (`overrides`: its env, see oidc-provider.mjs) and waits for its discovery document. */
async function startDevProvider(name, port, overrides = {}) {
  startChild(name, process.execPath, [path.join(root, "scripts/dev/oidc-provider.mjs")], {
    ...env,
    DEV_OIDC_PORT: String(port),
    DEV_OIDC_APP_URLS: appUrl,
    ...overrides,
  });
  const issuer = devIssuer(port);
  await waitFor(`the ${name}`, async () => (await fetch(`${issuer}/.well-known/openid-configuration`)).ok);
  return issuer;
}

async function ensureIdentityProvider() {
  if (env.OIDC_ISSUER) {
    log(`OIDC_ISSUER is set: signing in at ${env.OIDC_ISSUER}.`);
    return false;
  }
  const oidcPort = Number(env.DEV_OIDC_PORT || DEV_DEFAULTS.oidcPort);
  if (await portOpen(oidcPort)) throw new Error(`port ${oidcPort} for the development OpenID provider is taken: set DEV_OIDC_PORT to a free port`);
  env.OIDC_ISSUER = await startDevProvider("development OpenID provider", oidcPort);
  return true;
}

const ACME = Object.freeze({ slug: "acme", name: "Acme (development)", domain: "acme.test", roleClaim: "groups", roleMap: '{"acme-admins":"admin"}' });

/** `npm run orgs -- ...args` against this launcher's DATABASE_URL and CONNECTION_SECRET_KEY, with `input` on stdin. */
function runOrgs(args, input = "") {
  return new Promise((resolve, reject) => {
    const child = spawn("npm", ["run", "--silent", "orgs", "--", ...args], { cwd: root, env, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.once("error", reject);
    child.once("close", (status) => resolve({ status, stdout, stderr }));
    child.stdin.end(input);
  });
}

/** Runs one `npm run orgs` step; its refusal `doneCode` (e.g. slug_taken) means a former start did it. Throws with the CLI's reason otherwise. */
async function orgsStep(args, doneCode, input) {
  const result = await runOrgs(args, input);
  if (result.status === 0) return { ...result, done: true };
  if (doneCode && new RegExp(`^orgs: ${doneCode}:`, "m").test(result.stderr)) return { ...result, done: false };
  const reason = result.stderr.trim().split("\n").at(-1) || `exit ${result.status}`;
  throw new Error(`npm run orgs -- ${args[0]}: ${reason}`);
}

/** What `npm run orgs -- list` (its table: slug, name, users, domains, connections) shows of acme and its connection to `issuer`. */
function acmeAsListed(listing, issuer) {
  const row = listing.split("\n").map((line) => line.split("\t")).find((cells) => cells[0] === ACME.slug);
  if (!row) return { organisation: false, domainAdded: false, domainVerified: false, connectionId: undefined };
  const domains = (row[3] ?? "").split(", ");
  const connection = (row[4] ?? "").split("; ").map((entry) => /^([0-9a-f-]{36}): (.*), last sign-in /.exec(entry)).find((match) => match?.[2].split(" ").includes(issuer));
  return {
    organisation: true,
    domainAdded: domains.includes(ACME.domain) || domains.includes(`${ACME.domain} (unverified)`),
    domainVerified: domains.includes(ACME.domain),
    connectionId: connection?.[1],
  };
}

/**
 * The second development organisation, acme: its own bundled provider (acme.test's people)
 * and, made with `npm run orgs` on the first start and checked on every start, the
 * organisation, its domain acme.test (verified by the operator's mark) and a connection to
 * that provider mapping its groups to roles. Answers the connection's id, or undefined when
 * acme could not be set up: that is logged, and the operator organisation works without it.
 */
async function ensureAcmeOrganisation() {
  try {
    const acmePort = Number(process.env.DEV_ACME_OIDC_PORT || DEV_DEFAULTS.acmeOidcPort);
    if (await portOpen(acmePort)) throw new Error(`port ${acmePort} for its development OpenID provider is taken (set DEV_ACME_OIDC_PORT to a free port)`);
    const issuer = await startDevProvider(`development OpenID provider of ${ACME.slug}`, acmePort, {
      DEV_OIDC_ACCOUNTS: "acme",
      OIDC_CLIENT_ID: DEV_DEFAULTS.acmeClientId,
      OIDC_CLIENT_SECRET: DEV_DEFAULTS.acmeClientSecret,
      DEV_OIDC_NO_REFRESH_CLIENT_ID: "",
    });
    const listed = acmeAsListed((await orgsStep(["list"])).stdout, issuer);
    const made = [];
    if (!listed.organisation && (await orgsStep(["create", ACME.slug, ACME.name], "slug_taken")).done) made.push("organisation");
    if (!listed.domainAdded && (await orgsStep(["add-domain", ACME.slug, ACME.domain], "domain_exists")).done) made.push(`domain ${ACME.domain}`);
    if (!listed.domainVerified && (await orgsStep(["verify-domain", ACME.slug, ACME.domain, "--mark"])).done) made.push(`${ACME.domain} verified`);
    let connectionId = listed.connectionId;
    if (!connectionId) {
      const connectionArgs = ["--issuer", issuer, "--client-id", DEV_DEFAULTS.acmeClientId, "--client-secret-file", "-", "--domains", ACME.domain, "--name", ACME.name, "--role-claim", ACME.roleClaim, "--role-map", ACME.roleMap];
      const added = await orgsStep(["add-connection", ACME.slug, ...connectionArgs], "connection_exists", `${DEV_DEFAULTS.acmeClientSecret}\n`);
      if (added.done) made.push("connection");
      connectionId = added.done ? added.stdout.trim().split("\n").at(-1) : acmeAsListed((await orgsStep(["list"])).stdout, issuer).connectionId;
    }
    if (!connectionId) throw new Error(`npm run orgs -- list shows no connection of ${ACME.slug} to ${issuer}`);
    log(`organisation ${ACME.slug} (${ACME.domain}) signs in at its own development OpenID provider, ${issuer}: connection ${connectionId}${made.length ? ` (made now: ${made.join(", ")})` : ""}.`);
    return connectionId;
  } catch (error) {
    log(`could not set up the development organisation ${ACME.slug}: ${error instanceof Error ? error.message : error}; the default organisation still works.`);
    return undefined;
  }
}

try {
  mkdirSync(dataDir, { recursive: true });
  ensureAuthSecret();
  ensureApiTokenSigningKey();
  ensureConnectionSecretKey();
  await ensureDatabase();
  const bundledIdp = await ensureIdentityProvider();
  // Before `next dev`: PGlite is one backend, and the app and the CLI would otherwise share it at once.
  const acmeConnectionId = bundledIdp ? await ensureAcmeOrganisation() : undefined;
  const next = path.join(root, "node_modules/next/dist/bin/next");
  startChild("next dev", process.execPath, [next, "dev", "--port", String(port)], { ...env, PORT: String(port) });
  await waitFor("the app", () => portOpen(port), 120_000);
  console.log(`\n  VoiceSurveyAgent console: open ${appUrl} and click "Sign in".`);
  if (bundledIdp) console.log(`  Development accounts: alice@example.com / alice, bob@example.com / bob (see README).`);
  if (acmeConnectionId) {
    console.log(`  Organisation acme: pat@acme.test / pat, sam@acme.test / sam (type the email after "Sign in"; connection ${acmeConnectionId}).`);
  }
  if (!env.INITIAL_ADMIN_EMAILS?.trim()) {
    console.log(`  ${DEV_DEFAULTS.initialAdminEmails.join(", ")} becomes admin at the first sign-in on this database (INITIAL_ADMIN_EMAILS).`);
  }
  console.log("");
} catch (error) {
  console.error(`[dev] ${error instanceof Error ? error.message : error}`);
  shutdown(1);
}
