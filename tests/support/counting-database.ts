import { createDatabase } from "@/lib/db";

/** A Prisma client whose every statement to PostgreSQL (BEGIN and COMMIT included) is recorded. */
export function countingDatabase(connectionString: string, max = 2) {
  const statements: string[] = [];
  const { db, pool } = createDatabase(connectionString, max, (text) => void statements.push(text));
  return {
    db,
    /** The statements `run` sent, in order. */
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
