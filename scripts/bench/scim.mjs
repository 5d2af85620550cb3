// Part of `npm run bench`: SCIM provisioning. A directory's first full sync (Entra ID's first
// cycle: every user created through POST /scim/v2/Users, then every group through POST
// /scim/v2/Groups and its members added by PATCH, CONCURRENCY requests in flight), as writes
// per second; then, with the organisation grown to FILTER_USERS users (the rest seeded
// by SQL), the lookup directories make before each create, GET /Users?filter=userName eq "…",
// one request at a time. The organisation and its users are removed afterwards.
import { createHash, randomBytes } from "node:crypto";
import pg from "pg";

const ORGANISATION = "bench-scim";

const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};

async function withDatabase(url, work) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function removeOrganisation(url) {
  await withDatabase(url, async (client) => {
    await client.query(`DELETE FROM "DirectoryGroup" WHERE "organisationId" = $1`, [ORGANISATION]);
    await client.query(`DELETE FROM "User" WHERE "organisationId" = $1`, [ORGANISATION]);
    await client.query(`DELETE FROM "Organisation" WHERE id = $1`, [ORGANISATION]);
  });
}

/** Runs `work(n)` for n in 0…count-1, `concurrency` at a time; answers the refusals by status. */
async function inFlight(count, concurrency, work) {
  let next = 0;
  const failures = new Map();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const status = await work(next++);
        if (status !== undefined) failures.set(status, (failures.get(status) ?? 0) + 1);
      }
    }),
  );
  return failures;
}

export async function measureScim({ appUrl, env, users = 10_000, groups = 200, concurrency = 8, filterUsers = 100_000, samples = 200 }) {
  const token = `vsa_scim_${randomBytes(32).toString("base64url")}`;
  await removeOrganisation(env.DATABASE_URL);
  await withDatabase(env.DATABASE_URL, async (client) => {
    await client.query(`INSERT INTO "Organisation" (id, slug, name, "updatedAt") VALUES ($1, $1, 'SCIM bench', now())`, [ORGANISATION]);
    await client.query(`INSERT INTO "DirectoryToken" (id, "organisationId", "tokenHash", name, "createdBy") VALUES ('bench-scim-token', $1, $2, 'bench', 'cli')`, [
      ORGANISATION,
      createHash("sha256").update(token).digest("base64url"),
    ]);
  });
  const headers = { authorization: `Bearer ${token}`, "content-type": "application/scim+json" };
  const user = (n) => ({
    schemas: ["urn:ietf:params:scim:schemas:core:2.0:User", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
    userName: `person${n}@scim.bench.test`,
    externalId: `object-id-${n}`,
    active: true,
    displayName: `Person ${n}`,
    name: { givenName: "Person", familyName: String(n) },
    emails: [{ value: `person${n}@scim.bench.test`, type: "work", primary: true }],
    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": { department: `Department ${n % 50}` },
  });
  try {
    const userIds = [];
    const groupIds = [];
    const started = performance.now();
    const userFailures = await inFlight(users, concurrency, async (n) => {
      const response = await fetch(`${appUrl}/scim/v2/Users`, { method: "POST", headers, body: JSON.stringify(user(n)) });
      const body = await response.json();
      if (response.status !== 201) return response.status;
      userIds[n] = body.id;
    });
    const usersSeconds = (performance.now() - started) / 1000;
    // Entra ID creates each group without members, then adds them by PATCH in batches.
    const groupFailures = await inFlight(groups, concurrency, async (g) => {
      const response = await fetch(`${appUrl}/scim/v2/Groups`, { method: "POST", headers, body: JSON.stringify({ schemas: ["urn:ietf:params:scim:schemas:core:2.0:Group"], displayName: `Group ${g}`, externalId: `group-object-${g}` }) });
      const body = await response.json();
      if (response.status !== 201) return response.status;
      groupIds[g] = body.id;
    });
    const memberFailures = await inFlight(groups, concurrency, async (g) => {
      const members = userIds.filter((_id, n) => n % groups === g).map((value) => ({ value }));
      const response = await fetch(`${appUrl}/scim/v2/Groups/${groupIds[g]}`, {
        method: "PATCH",
        headers,
        body: JSON.stringify({ schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], Operations: [{ op: "Add", path: "members", value: members }] }),
      });
      await response.arrayBuffer();
      if (response.status !== 200 && response.status !== 204) return response.status;
    });
    const syncSeconds = (performance.now() - started) / 1000;
    const failures = { ...Object.fromEntries(userFailures), ...Object.fromEntries(groupFailures), ...Object.fromEntries(memberFailures) };
    if (Object.keys(failures).length > 0) throw new Error(`the full sync had refusals: ${JSON.stringify(failures)}`);
    const [{ members: storedMembers }] = await withDatabase(env.DATABASE_URL, async (client) => (await client.query(`SELECT count(*)::int AS members FROM "DirectoryGroupMember" m JOIN "DirectoryGroup" g ON g.id = m."groupId" WHERE g."organisationId" = $1`, [ORGANISATION])).rows);
    if (storedMembers !== users) throw new Error(`the groups hold ${storedMembers} members, not ${users}`);

    // The rest of FILTER_USERS, seeded as the service stores them, then the lookups.
    await withDatabase(env.DATABASE_URL, async (client) => {
      await client.query(
        `INSERT INTO "User" (id, "organisationId", email, name, "updatedAt", "scimUserName", "scimUserNameLower", "scimExternalId", "scimAttributes", "provisionedAt")
         SELECT 'bench-scim-' || i, $1, 'seeded' || i || '@scim.bench.test', 'Seeded ' || i, now(), 'Seeded' || i || '@scim.bench.test', 'seeded' || i || '@scim.bench.test', 'seeded-object-' || i, '{}'::jsonb, now()
         FROM generate_series(1, $2) AS i`,
        [ORGANISATION, Math.max(0, filterUsers - users)],
      );
      await client.query(`ANALYZE "User"`);
    });
    const lookups = [];
    for (let i = 0; i < samples + 20; i++) {
      const n = Math.floor(Math.random() * users);
      const filter = encodeURIComponent(`userName eq "Person${n}@SCIM.bench.test"`);
      const lookupStarted = performance.now();
      const response = await fetch(`${appUrl}/scim/v2/Users?filter=${filter}&startIndex=1&count=100`, { headers });
      const body = await response.json();
      if (response.status !== 200 || body.totalResults !== 1) throw new Error(`the lookup answered ${response.status} ${JSON.stringify(body).slice(0, 200)}`);
      if (i >= 20) lookups.push(performance.now() - lookupStarted);
    }
    const writes = users + 2 * groups;
    return {
      users,
      groups,
      concurrency,
      writes,
      syncSeconds: Number(syncSeconds.toFixed(1)),
      writesPerSecond: Math.round(writes / syncSeconds),
      userWritesPerSecond: Math.round(users / usersSeconds),
      filterUsers,
      lookup: { samples: lookups.length, p50Ms: Number(percentile(lookups, 50).toFixed(2)), p95Ms: Number(percentile(lookups, 95).toFixed(2)), maxMs: Number(Math.max(...lookups).toFixed(2)) },
    };
  } finally {
    await removeOrganisation(env.DATABASE_URL);
  }
}
