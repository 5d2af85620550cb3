import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@prisma/client";
import pg from "pg";

/**
 * A Prisma client whose every statement to PostgreSQL is recorded (BEGIN and COMMIT
 * included), to count the round trips an operation costs.
 */
export function countingDatabase(connectionString: string, max = 2) {
  const statements: string[] = [];
  const pool = new pg.Pool({ connectionString, max });
  const record = (query: unknown) => statements.push(typeof query === "string" ? query : String((query as { text?: string }).text ?? query));
  const poolQuery = pool.query.bind(pool) as (...args: unknown[]) => unknown;
  pool.query = ((...args: unknown[]) => {
    record(args[0]);
    return poolQuery(...args);
  }) as typeof pool.query;
  pool.on("connect", (client) => {
    const clientQuery = client.query.bind(client) as (...args: unknown[]) => unknown;
    client.query = ((...args: unknown[]) => {
      record(args[0]);
      return clientQuery(...args);
    }) as typeof client.query;
  });
  const db = new PrismaClient({ adapter: new PrismaPg(pool) });
  return {
    db,
    statements,
    /** Statements sent while `run` ran. */
    async count<T>(run: () => Promise<T>): Promise<{ result: T; statements: string[] }> {
      const from = statements.length;
      const result = await run();
      return { result, statements: statements.slice(from) };
    },
    async close() {
      await db.$disconnect();
      await pool.end().catch(() => undefined);
    },
  };
}
