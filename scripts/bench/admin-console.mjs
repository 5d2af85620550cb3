// Part of `npm run bench`: the administrators' console with many users. Seeds them with one
// INSERT … SELECT generate_series (emails @bench-users.invalid, every fourth with a browser
// sign-in, all removed at the end), makes the signed-in bench user an admin for the time of the
// measurement, then times, one request at a time as that admin's browser would send them: the
// console's first page, two searches (a common and a rare prefix), and a deep page reached by
// keyset (its cursor found by following nextCursor page after page), as HTML pages and as
// GET /api/users. On loopback with nothing else in flight, the time to the last byte is the
// server's time.
import pg from "pg";

const SEED_DOMAIN = "bench-users.invalid";
const PAGE_SIZE = 50;
const FIRST_NAMES = ["Ada", "Grace", "Linus", "Ken", "Barbara", "Edsger", "Donald", "Margaret"];
const LAST_NAMES = ["Lovelace", "Hopper", "Torvalds", "Thompson", "Liskov", "Dijkstra", "Knuth", "Hamilton"];

const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};

async function seedUsers(client, count) {
  await client.query(`DELETE FROM "User" WHERE email LIKE $1`, [`%@${SEED_DOMAIN}`]);
  const started = performance.now();
  await client.query(
    `INSERT INTO "User" (id, email, name, role, "createdAt", "updatedAt", "lastLoginAt", version)
     SELECT 'bench-user-' || i,
            'user' || lpad(i::text, 6, '0') || '@${SEED_DOMAIN}',
            ($2::text[])[1 + i % 8] || ' ' || ($3::text[])[1 + (i / 8) % 8] || ' ' || i,
            (CASE WHEN i % 1000 = 0 THEN 'admin' WHEN i % 10 = 0 THEN 'campaign_manager' ELSE 'viewer' END)::"Role",
            now() - i * interval '1 second', now(),
            CASE WHEN i % 3 = 0 THEN NULL ELSE now() - i * interval '1 minute' END,
            1
     FROM generate_series(1, $1) AS i`,
    [count, FIRST_NAMES, LAST_NAMES],
  );
  await client.query(
    `INSERT INTO "TokenFamily" (id, kind, "userId", "createdAt", "expiresAt")
     SELECT 'bench-family-' || i, 'browser', 'bench-user-' || i, now() - i * interval '1 second', now() + interval '1 day'
     FROM generate_series(1, $1, 4) AS i`,
    [count],
  );
  await client.query(`ANALYZE "User"`);
  await client.query(`ANALYZE "TokenFamily"`);
  return Math.round(performance.now() - started);
}

async function get(appUrl, path, cookie) {
  const started = performance.now();
  const response = await fetch(`${appUrl}${path}`, { headers: { cookie }, redirect: "manual" });
  const body = await response.text();
  return { ms: performance.now() - started, status: response.status, body };
}

/**
 * Seeds `users` users into `databaseUrl`, measures `samples` requests per target (after a
 * warm-up) in alternating rounds, and puts everything back. Returns the table's rows.
 */
export async function measureAdminConsole({ appUrl, databaseUrl, cookie, adminEmail, users, samples }) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const [admin] = (await client.query(`SELECT role FROM "User" WHERE email = $1`, [adminEmail])).rows;
  if (!admin) throw new Error(`${adminEmail} has no user row: sign in first`);
  try {
    const seedMs = await seedUsers(client, users);
    await client.query(`UPDATE "User" SET role = 'admin' WHERE email = $1`, [adminEmail]);
    // The app caches a session's role for up to 2 s.
    const deadline = Date.now() + 10_000;
    while ((await get(appUrl, "/api/users?limit=1", cookie)).status !== 200) {
      if (Date.now() > deadline) throw new Error("the bench user never became an admin for the app");
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const deepPage = Math.max(2, Math.min(500, Math.floor(users / PAGE_SIZE)));
    let cursor = null;
    for (let page = 1; page < deepPage; page++) {
      const { status, body } = await get(appUrl, `/api/users?limit=${PAGE_SIZE}${cursor ? `&cursor=${cursor}` : ""}`, cookie);
      if (status !== 200) throw new Error(`GET /api/users (page ${page}) answered ${status}`);
      cursor = JSON.parse(body).nextCursor;
      if (!cursor) throw new Error(`the list ended before page ${deepPage}`);
    }
    const rareUser = `user${String(users - 7).padStart(6, "0")}`;
    const targets = [
      { name: "console: first page", path: "/admin", rows: PAGE_SIZE },
      { name: "console: search (common prefix \"grace\")", path: "/admin?q=grace", rows: PAGE_SIZE },
      { name: `console: search (rare prefix "${rareUser}")`, path: `/admin?q=${rareUser}`, rows: 1 },
      { name: `console: page ${deepPage} by keyset`, path: `/admin?cursor=${cursor}`, rows: PAGE_SIZE },
      { name: "GET /api/users: first page", path: `/api/users?limit=${PAGE_SIZE}`, rows: PAGE_SIZE },
      { name: "GET /api/users: search \"grace\"", path: `/api/users?limit=${PAGE_SIZE}&q=grace`, rows: PAGE_SIZE },
      { name: `GET /api/users: search "${rareUser}"`, path: `/api/users?limit=${PAGE_SIZE}&q=${rareUser}`, rows: 1 },
      { name: `GET /api/users: page ${deepPage} by keyset`, path: `/api/users?limit=${PAGE_SIZE}&cursor=${cursor}`, rows: PAGE_SIZE },
    ];
    const times = new Map(targets.map((target) => [target.name, []]));
    for (let round = -3; round < samples; round++) {
      for (const target of round % 2 === 0 ? targets : [...targets].reverse()) {
        const { ms, status, body } = await get(appUrl, target.path, cookie);
        if (status !== 200) throw new Error(`${target.name} answered ${status}`);
        // A page of the right size, so a fast answer is not a fast refusal or an empty list.
        const rows = target.path.startsWith("/api/") ? JSON.parse(body).users.length : (body.match(/href="\/admin\/users\//g) ?? []).length;
        if (rows !== target.rows) throw new Error(`${target.name} showed ${rows} users, expected ${target.rows}`);
        if (round >= 0) times.get(target.name).push(ms);
      }
    }
    return {
      users,
      pageSize: PAGE_SIZE,
      deepPage,
      seedMs,
      samples,
      rows: targets.map(({ name }) => {
        const values = times.get(name);
        return { request: name, p50Ms: Number(percentile(values, 50).toFixed(1)), p95Ms: Number(percentile(values, 95).toFixed(1)), maxMs: Number(Math.max(...values).toFixed(1)) };
      }),
    };
  } finally {
    await client.query(`UPDATE "User" SET role = $2 WHERE email = $1`, [adminEmail, admin.role]);
    await client.query(`DELETE FROM "User" WHERE email LIKE $1`, [`%@${SEED_DOMAIN}`]);
    await client.end();
  }
}
