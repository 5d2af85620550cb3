import type { Db } from "./db";

const DATABASE_TIMEOUT_MS = 2000;

export type Health = { status: "ok" | "degraded"; database: "ok" | "unreachable" };

/** Readiness: the app answers and its database does, within a bound. */
export async function checkHealth(db: () => Db): Promise<Health> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error("database check timed out")), DATABASE_TIMEOUT_MS);
  });
  try {
    await Promise.race([db().$queryRaw`SELECT 1`, timeout]);
    return { status: "ok", database: "ok" };
  } catch {
    return { status: "degraded", database: "unreachable" };
  } finally {
    clearTimeout(timer);
  }
}
