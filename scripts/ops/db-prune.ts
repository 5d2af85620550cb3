// npm run db:prune: deletes now what the app's hourly pruning would (ended sessions and API
// tokens past DATA_RETENTION_DAYS, expired refresh and logout tokens, old rate-limit
// counters, audit events past AUDIT_RETENTION_DAYS), whenever it last ran. It takes the same lock, so it never runs beside it.
import { createDatabase, describeDatabase } from "../../lib/db";
import { ConfigurationError, loadDatabaseEnv } from "../../lib/config/env";
import { formatPruneCounts, pruneExpiredData } from "../../lib/maintenance/prune";

async function main(): Promise<number> {
  let env;
  try {
    env = loadDatabaseEnv(process.env);
  } catch (error) {
    if (!(error instanceof ConfigurationError)) throw error;
    console.error(`db:prune: ${error.message}`);
    return 1;
  }
  const { db, pool } = createDatabase(env.databaseUrl, 1);
  try {
    const outcome = await pruneExpiredData(db, { retentionDays: env.dataRetentionDays, auditRetentionDays: env.auditRetentionDays, force: true });
    if (!outcome.ok) {
      console.log("db:prune: another instance is pruning right now; nothing done.");
      return 0;
    }
    console.log(`db:prune: deleted ${formatPruneCounts(outcome.deleted)} (retention ${env.dataRetentionDays} days, audit events ${env.auditRetentionDays} days).`);
    return 0;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    console.error(`db:prune: could not prune the database at ${describeDatabase(env.databaseUrl)}: ${reason}`);
    return 1;
  } finally {
    // Prisma does not close a pool it was handed; idle connections would hold the process open.
    await db.$disconnect().catch(() => {});
    await pool.end().catch(() => {});
  }
}

process.exitCode = await main();
