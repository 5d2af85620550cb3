import pg from "pg";

/** One SQL statement against the suite's DATABASE_URL on a connection of its own (closed after): for checks the app's API does not answer. */
export async function queryDatabase<Row extends object>(sql: string, params: unknown[] = []): Promise<Row[]> {
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  try {
    return (await client.query<Row>(sql, params)).rows;
  } finally {
    await client.end();
  }
}
