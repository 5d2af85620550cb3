import pg from "pg";

/**
 * Every run starts with no rate-limit counters: the database outlives the app, and counts
 * left by a run a minute ago would refuse this run's sign-ins. Playwright starts the web
 * servers (which apply the migrations) before this runs.
 */
export default async function clearRateLimitCounters() {
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  try {
    await client.query('DELETE FROM "RateLimit"');
  } finally {
    await client.end();
  }
}
