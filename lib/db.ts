import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@prisma/client";
import pg from "pg";
import { getEnv } from "./config/env";
import { getLogger } from "./observability/logger";
import { metrics } from "./observability/metrics";
import { releaseBrokenClients } from "./pg-broken-clients";

export type Db = PrismaClient;

/** host:port/database of a connection string: enough to name it in a message, without its password. */
export function describeDatabase(databaseUrl: string): string {
  try {
    const url = new URL(databaseUrl);
    return `${url.host}${url.pathname}`;
  } catch {
    return "DATABASE_URL";
  }
}

/**
 * A Prisma client over PostgreSQL's wire protocol: a real server, or the embedded one
 * `npm run dev` serves. `maxConnections` is the pool size per process.
 */
export function createDb(connectionString: string, maxConnections = 10): Db {
  return createDatabase(connectionString, maxConnections).db;
}

/**
 * The Prisma client and the pg pool under it (for the few modules that speak SQL through pg).
 * `onStatement` is told of every statement sent, BEGIN and COMMIT included (round trips).
 */
export function createDatabase(connectionString: string, maxConnections = 10, onStatement?: (text: string) => void): { db: Db; pool: pg.Pool } {
  const pool = new pg.Pool({ connectionString, max: maxConnections });
  const broken = (state: "idle" | "in_use") => (error: Error) => {
    metrics.dbConnectionsBroken.inc({ state });
    getLogger().warn({ event: "db_connection_broken", state, error: error.message });
  };
  // An idle connection the server ended (restart, failover, idle_session_timeout): the pool
  // drops it and says so here; unheard, it would be an uncaught exception.
  pool.on("error", broken("idle"));
  releaseBrokenClients(pool, broken("in_use"));
  if (onStatement) {
    const textOf = (query: unknown) => (typeof query === "string" ? query : String((query as { text?: unknown } | null)?.text ?? ""));
    // Every statement passes through a client's query: pool.query checks a client out and calls it.
    pool.on("connect", (client) => {
      const clientQuery = client.query.bind(client) as (...args: unknown[]) => unknown;
      client.query = ((...args: unknown[]) => {
        onStatement(textOf(args[0]));
        return clientQuery(...args);
      }) as typeof client.query;
    });
  }
  return { db: new PrismaClient({ adapter: new PrismaPg(pool) }), pool };
}

// One client per process; Next's dev server re-evaluates modules on every edit.
const globalForDb = globalThis as unknown as { voiceSurveyDatabase?: { db: Db; pool: pg.Pool } };

function getDatabase() {
  if (!globalForDb.voiceSurveyDatabase) {
    const { databaseUrl, databasePoolMax } = getEnv();
    if (!databaseUrl) {
      throw new Error(
        "DATABASE_URL is not set: set it to postgresql://USER:PASSWORD@HOST:5432/DATABASE, or start the app with `npm run dev`, which serves the embedded database and sets it.",
      );
    }
    globalForDb.voiceSurveyDatabase = createDatabase(databaseUrl, databasePoolMax, (text) => {
      metrics.dbStatements.inc();
      // The statement's SQL only (its values travel apart): safe to log, and at trace level.
      getLogger().trace({ event: "db_statement", sql: text.replace(/\s+/g, " ").slice(0, 120) });
    });
  }
  return globalForDb.voiceSurveyDatabase;
}

export function getDb(): Db {
  return getDatabase().db;
}

/** The pool, if this process has made one (metrics must not open a connection to count them). */
export function currentPgPool(): pg.Pool | undefined {
  return globalForDb.voiceSurveyDatabase?.pool;
}

/** The same connection pool Prisma uses: rate limits share it rather than opening their own. */
export function getPgPool(): pg.Pool {
  return getDatabase().pool;
}

/** Ends the pool (graceful shutdown): what is queued finishes, nothing new is accepted. */
export async function closeDb(): Promise<void> {
  const database = globalForDb.voiceSurveyDatabase;
  if (!database) return;
  globalForDb.voiceSurveyDatabase = undefined;
  await database.db.$disconnect();
  await database.pool.end().catch(() => undefined);
}
