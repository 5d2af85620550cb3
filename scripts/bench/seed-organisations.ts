// Part of `npm run bench` (organisations.mjs): seeds ORGANISATIONS organisations with
// DOMAINS_PER_ORGANISATION verified domains each and CONNECTIONS connections (every
// organisation one, the first ones a second) to the bench's IdP, in a few INSERT … SELECT
// statements, each client secret sealed for its row as the console seals it. Prints
// { connections: [{ id, domain }] } as JSON. Run with `tsx --conditions=react-server`.
import pg from "pg";
import { sealSecret, secretKeyRing } from "../../lib/organisations/connection-secrets";

const SLUG_PREFIX = "bench-org-";
const { DATABASE_URL, CONNECTION_SECRET_KEY, ISSUER } = process.env;
const organisations = Number(process.env.ORGANISATIONS ?? 1000);
const domainsPer = Number(process.env.DOMAINS_PER_ORGANISATION ?? 5);
const connections = Number(process.env.CONNECTIONS ?? 1500);
if (!DATABASE_URL || !CONNECTION_SECRET_KEY || !ISSUER) throw new Error("seed-organisations: DATABASE_URL, CONNECTION_SECRET_KEY and ISSUER are required");

const client = new pg.Client({ connectionString: DATABASE_URL });
await client.connect();
try {
  await client.query(`DELETE FROM "Organisation" WHERE slug LIKE $1`, [`${SLUG_PREFIX}%`]);
  await client.query(
    `INSERT INTO "Organisation" (id, slug, name, "updatedAt") SELECT 'bench-org-' || i, 'bench-org-' || i, 'Bench organisation ' || i, now() FROM generate_series(1, $1) AS i`,
    [organisations],
  );
  await client.query(
    `INSERT INTO "OrganisationDomain" (id, "organisationId", domain, "verificationToken", "verifiedAt", "verifiedBy")
     SELECT 'bench-domain-' || i || '-' || k, 'bench-org-' || i, 'org' || i || '-' || k || '.bench.test', 'bench', now(), 'operator'
     FROM generate_series(1, $1) AS i, generate_series(1, $2) AS k`,
    [organisations, domainsPer],
  );
  const ring = secretKeyRing(CONNECTION_SECRET_KEY);
  const rows = Array.from({ length: connections }, (_, n) => {
    const organisation = (n % organisations) + 1;
    const id = `bench-connection-${n + 1}`;
    return { id, organisation, domain: `org${organisation}-1.bench.test`, sealed: sealSecret("bench-client-secret", ring, id) };
  });
  await client.query(
    `INSERT INTO "Connection" (id, "organisationId", "displayName", issuer, "clientId", "clientSecretSealed", "updatedAt")
     SELECT c.id, 'bench-org-' || c.organisation, 'Bench sign-in ' || c.id, $2, 'bench-client-' || c.id, c.sealed, now()
     FROM json_to_recordset($1::json) AS c(id text, organisation int, sealed text)`,
    [JSON.stringify(rows), ISSUER],
  );
  // Each connection signs in all of its organisation's domains.
  await client.query(
    `INSERT INTO "ConnectionDomain" ("connectionId", "domainId")
     SELECT c.id, d.id FROM "Connection" c JOIN "OrganisationDomain" d ON d."organisationId" = c."organisationId" WHERE c.id LIKE 'bench-connection-%'`,
  );
  for (const table of ["Organisation", "OrganisationDomain", "Connection", "ConnectionDomain"]) await client.query(`ANALYZE "${table}"`);
  console.log(JSON.stringify({ connections: rows.map(({ id, domain }) => ({ id, domain })) }));
} finally {
  await client.end();
}
