import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@prisma/client";
import { getEnv } from "./env";

export type Db = PrismaClient;

/**
 * A Prisma client over PostgreSQL's wire protocol: a real server, or the embedded one
 * `npm run dev` serves. `maxConnections` is the pool size per process.
 */
export function createDb(connectionString: string, maxConnections = 10): Db {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString, max: maxConnections }) });
}

// One client per process; Next's dev server re-evaluates modules on every edit.
const globalForDb = globalThis as unknown as { voiceSurveyDb?: Db };

export function getDb(): Db {
  if (!globalForDb.voiceSurveyDb) {
    const { databaseUrl, databasePoolMax } = getEnv();
    if (!databaseUrl) {
      throw new Error(
        "DATABASE_URL is not set: set it to postgresql://USER:PASSWORD@HOST:5432/DATABASE, or start the app with `npm run dev`, which serves the embedded database and sets it.",
      );
    }
    globalForDb.voiceSurveyDb = createDb(databaseUrl, databasePoolMax);
  }
  return globalForDb.voiceSurveyDb;
}
