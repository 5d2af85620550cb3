// The database an operator command (`npm run users`, `npm run orgs`) works on, and how it
// reports a failure there: one implementation for both.
import { describeDatabase, createDatabase, type Db } from "../../lib/db";
import { embeddedDatabaseUrl } from "../../lib/config/dev-defaults.mjs";
import { loadDatabaseEnv } from "../../lib/config/env";

/** DATABASE_URL; in development without it, the embedded database `npm run dev` serves. */
export function operatorDatabaseUrl(): { url: string; embedded: boolean } {
  if (!process.env.DATABASE_URL?.trim() && process.env.NODE_ENV !== "production") {
    return { url: embeddedDatabaseUrl(Number(process.env.EMBEDDED_DB_PORT) || undefined), embedded: true };
  }
  return { url: loadDatabaseEnv(process.env).databaseUrl, embedded: false };
}

/** Runs `work` with one database connection, answering its exit code; a database failure is one clear line and exit code 1. */
export async function withOperatorDatabase(command: string, database: { url: string; embedded: boolean }, work: (db: Db) => Promise<number>): Promise<number> {
  if (database.embedded) console.error(`${command}: DATABASE_URL is not set: using the embedded database of \`npm run dev\` (${describeDatabase(database.url)}).`);
  const { db, pool } = createDatabase(database.url, 1);
  try {
    return await work(db);
  } catch (error) {
    // Prisma's messages start with the call that failed; their last line says why.
    const reason = (error instanceof Error ? error.message : String(error)).split("\n").map((line) => line.trim()).filter(Boolean).at(-1);
    const hint = database.embedded ? " Is `npm run dev` running? It serves the embedded database." : "";
    console.error(`${command}: could not complete the command against the database at ${describeDatabase(database.url)}: ${reason}.${hint}`);
    return 1;
  } finally {
    // Prisma does not close a pool it was handed; idle connections would hold the process open.
    await db.$disconnect().catch(() => {});
    await pool.end().catch(() => {});
  }
}
