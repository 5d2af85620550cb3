// Part of `npm run bench`: home-realm discovery and the sign-in start with many organisations.
// Seeds 1,000 organisations, 5,000 verified domains and 1,500 connections (seed-organisations.ts;
// removed at the end), then times one request at a time, as a browser sends them: the email
// step (POST /api/auth/discover: the domain's organisation and its sign-ins) and the login
// redirect (GET /api/auth/login?connection=ID: the connection's row read, its secret opened,
// the authorization URL built), the first time for each connection (its IdP's discovery
// document fetched) and again (cached). On loopback with nothing else in flight, the time to
// the last byte is the server's time.
import { spawnSync } from "node:child_process";
import path from "node:path";
import pg from "pg";

const root = path.resolve(import.meta.dirname, "../..");

const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};
const summary = (values) => ({ samples: values.length, p50Ms: Number(percentile(values, 50).toFixed(2)), p95Ms: Number(percentile(values, 95).toFixed(2)), maxMs: Number(Math.max(...values).toFixed(2)) });

async function timed(request) {
  const started = performance.now();
  const response = await request();
  await response.arrayBuffer();
  return { ms: performance.now() - started, response };
}

export async function measureOrganisations({ appUrl, env, issuer, samples, organisations = 1000, domainsPerOrganisation = 5, connections = 1500 }) {
  const seeded = spawnSync(process.execPath, [path.join(root, "node_modules/tsx/dist/cli.mjs"), "--conditions=react-server", "scripts/bench/seed-organisations.ts"], {
    cwd: root,
    env: { ...env, ISSUER: issuer, ORGANISATIONS: String(organisations), DOMAINS_PER_ORGANISATION: String(domainsPerOrganisation), CONNECTIONS: String(connections) },
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  if (seeded.status !== 0) throw new Error(`seeding organisations failed:\n${seeded.stderr}`);
  const { connections: seededConnections } = JSON.parse(seeded.stdout);
  const pick = () => seededConnections[Math.floor(Math.random() * seededConnections.length)];
  const discover = (email) =>
    timed(() => fetch(`${appUrl}/api/auth/discover`, { method: "POST", redirect: "manual", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ email, callbackUrl: "/profile" }) }));
  const login = (id) => timed(() => fetch(`${appUrl}/api/auth/login?connection=${id}&callbackUrl=/profile`, { redirect: "manual" }));
  try {
    for (let i = 0; i < 20; i++) await discover(`warm-up@${pick().domain}`);
    const emailStep = [];
    for (let i = 0; i < samples; i++) {
      const { ms, response } = await discover(`person${i}@${pick().domain}`);
      if (response.status !== 200 && response.status !== 303) throw new Error(`the email step answered ${response.status}`);
      emailStep.push(ms);
    }
    // The first sign-in start through each connection fetches its IdP's discovery document; later ones reuse it.
    const first = [];
    const again = [];
    const started = seededConnections.slice(0, samples);
    for (const { id } of started) {
      const { ms, response } = await login(id);
      if (response.status !== 302 || !response.headers.get("location")?.startsWith(issuer)) throw new Error(`the login redirect answered ${response.status} ${response.headers.get("location")}`);
      first.push(ms);
    }
    for (let i = 0; i < samples; i++) again.push((await login(started[i % started.length].id)).ms);
    return { organisations, domains: organisations * domainsPerOrganisation, connections, emailStep: summary(emailStep), loginRedirectFirst: summary(first), loginRedirect: summary(again) };
  } finally {
    const client = new pg.Client({ connectionString: env.DATABASE_URL });
    await client.connect();
    await client.query(`DELETE FROM "Organisation" WHERE slug LIKE 'bench-org-%'`).finally(() => client.end());
  }
}
