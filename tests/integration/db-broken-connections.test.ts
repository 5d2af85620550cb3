import type pg from "pg";
import { describe, expect, inject, it } from "vitest";
import { createDatabase } from "@/lib/db";
import { metrics } from "@/lib/observability/metrics";

const databaseUrl = inject("databaseUrl");

/** Whether `promise` settles within `ms`: a pool that lost its connections never answers. */
function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  return Promise.race([promise.then(() => true, () => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), ms))]);
}

const broken = async (state: "idle" | "in_use") => (await metrics.dbConnectionsBroken.get()).values.find((value) => value.labels.state === state)?.value ?? 0;
const brokenInUse = () => broken("in_use");
const destroySocket = (client: pg.PoolClient) => (client as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();

describe("a pooled connection that dies in the middle of a transaction", () => {
  it("is given back to the pool: after its only connection died mid-transaction, the next query is answered", async () => {
    const { db, pool } = createDatabase(databaseUrl, 1);
    const acquired: pg.PoolClient[] = [];
    pool.on("acquire", (client) => acquired.push(client));
    const before = await brokenInUse();
    try {
      // The pool's connection inside an interactive transaction, between two statements.
      const inside = [0].map(() => {
        let entered!: () => void;
        const ready = new Promise<void>((resolve) => (entered = resolve));
        const transaction = db.$transaction(async (tx) => {
          await tx.$queryRaw`SELECT 1`;
          entered();
          await new Promise((resolve) => setTimeout(resolve, 300));
          await tx.$queryRaw`SELECT 2`;
        });
        return { ready, transaction };
      });
      await Promise.all(inside.map(({ ready }) => ready));
      // The connections die as a database restart ends them.
      for (const client of acquired) destroySocket(client);
      for (const { transaction } of inside) await expect(transaction).rejects.toThrow();

      const next = db.$queryRaw<{ answer: number }[]>`SELECT 42 AS answer`;
      expect(await settlesWithin(next, 10_000)).toBe(true);
      expect(await next).toEqual([{ answer: 42 }]);
      expect(await brokenInUse()).toBeGreaterThanOrEqual(before + 1);
    } finally {
      await db.$disconnect();
      await pool.end().catch(() => undefined);
    }
  });
});

describe("an idle pooled connection that the server ends", () => {
  it("is dropped, logged and counted, not an uncaught exception; the next query gets a new one", async () => {
    const { db, pool } = createDatabase(databaseUrl, 1);
    const uncaught: unknown[] = [];
    const onUncaught = (error: unknown) => uncaught.push(error);
    process.on("uncaughtException", onUncaught);
    const before = await broken("idle");
    try {
      const idle = await pool.connect();
      idle.release();
      destroySocket(idle);
      await expect.poll(() => broken("idle")).toBe(before + 1);
      expect(await db.$queryRaw`SELECT 42 AS answer`).toEqual([{ answer: 42 }]);
      expect(uncaught).toEqual([]);
    } finally {
      process.off("uncaughtException", onUncaught);
      await db.$disconnect();
      await pool.end().catch(() => undefined);
    }
  });
});
