import type pg from "pg";

/**
 * Gives the pool back the slot of a checked-out connection that died (PostgreSQL restarted,
 * failed over, or ended it). Prisma's interactive transactions over its PostgreSQL driver adapter (the adapter-pg package) keep
 * such a connection checked out for ever when it dies between two statements: the ROLLBACK
 * that would release it fails first. Measured here: with the database restarted 20 times under
 * refreshes, every connection of the pool was held by dead transactions within a minute and
 * the instance answered nothing more (scripts/bench/fault-refresh-restarts.ts). `onBroken` is told
 * (logged and counted by the caller).
 */
export function releaseBrokenClients(pool: pg.Pool, onBroken: (error: Error) => void): void {
  const checkedOut = new Set<pg.PoolClient>();
  pool.on("acquire", (client) => checkedOut.add(client));
  pool.on("release", (_error, client) => checkedOut.delete(client));
  pool.on("remove", (client) => checkedOut.delete(client as pg.PoolClient));
  pool.on("connect", (client) => {
    const broken = (error: Error) => {
      if (!checkedOut.has(client as pg.PoolClient)) return; // idle: the pool's own listener removes it
      checkedOut.delete(client as pg.PoolClient);
      onBroken(error);
      // Released with an error, the pool destroys it and frees the slot. Whoever held it gets
      // "already released" when it lets go: an error on a request that failed anyway.
      (client as pg.PoolClient).release(error);
    };
    client.on("error", broken);
    client.on("end", () => broken(new Error("the connection ended")));
  });
}
