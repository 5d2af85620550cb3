import { randomUUID } from "node:crypto";
import net from "node:net";
import pg from "pg";
import { afterAll, afterEach, describe, expect, inject, it, vi } from "vitest";
import { countRequest, createRateLimiter } from "@/lib/rate-limits/rate-limiter";
import { captureLogs } from "../support/captured-logs";

const databaseUrl = inject("databaseUrl");
const pool = new pg.Pool({ connectionString: databaseUrl, max: inject("poolMax") });
// A second app instance: its own pool (on a real server; the embedded database serves one
// instance, so there both share the single connection).
const otherPool = inject("multipleInstances") ? new pg.Pool({ connectionString: databaseUrl, max: inject("poolMax") }) : pool;
afterAll(async () => {
  await pool.end();
  if (otherPool !== pool) await otherPool.end();
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

const LIMIT = { points: 10, windowSeconds: 60 };
/** A client nobody else counts against. */
const freshClient = () => `203.0.113.${randomUUID()}`;

describe("rate limits in PostgreSQL", () => {
  it("is one limit for all instances: of points + 6 concurrent requests over two instances, exactly points pass", async () => {
    const instances = [createRateLimiter(pool, "login", LIMIT), createRateLimiter(otherPool, "login", LIMIT)];
    const client = freshClient();
    const verdicts = await Promise.all(Array.from({ length: LIMIT.points + 6 }, (_, i) => countRequest(instances[i % 2]!, client)));
    expect(verdicts.filter((verdict) => verdict.ok)).toHaveLength(LIMIT.points);
    for (const verdict of verdicts.filter((verdict) => !verdict.ok)) {
      expect(verdict).toMatchObject({ ok: false, code: "rate_limited" });
      if (!verdict.ok) expect(verdict.retryAfterSeconds).toBeGreaterThanOrEqual(1);
      if (!verdict.ok) expect(verdict.retryAfterSeconds).toBeLessThanOrEqual(LIMIT.windowSeconds);
    }
    // The counter is the row the migration's table holds, under the bucket's prefix.
    const { rows } = await pool.query<{ points: number }>(`SELECT points FROM "RateLimit" WHERE key = $1`, [`login:${client}`]);
    expect(rows[0]?.points).toBeGreaterThanOrEqual(LIMIT.points + 1);
  });

  it("keeps its counters in an unlogged table: a count waits for no WAL flush", async () => {
    const { rows } = await pool.query<{ relpersistence: string }>(`SELECT relpersistence FROM pg_class WHERE relname = 'RateLimit'`);
    expect(rows).toEqual([{ relpersistence: "u" }]);
  });

  it("counts each client and each bucket apart", async () => {
    const login = createRateLimiter(pool, "login", { points: 1, windowSeconds: 60 });
    const refresh = createRateLimiter(otherPool, "refresh", { points: 1, windowSeconds: 60 });
    const [first, second] = [freshClient(), freshClient()];
    expect(await countRequest(login, first)).toEqual({ ok: true });
    expect(await countRequest(login, first)).toMatchObject({ ok: false });
    expect(await countRequest(login, second)).toEqual({ ok: true });
    expect(await countRequest(refresh, first)).toEqual({ ok: true });
  });

  it("starts a new window once the old one has ended (the clock is moved, not waited for)", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const start = Date.now();
    const limiter = createRateLimiter(pool, "token", { points: 2, windowSeconds: 60 });
    const user = `user-${randomUUID()}`;
    expect(await countRequest(limiter, user)).toEqual({ ok: true });
    expect(await countRequest(limiter, user)).toEqual({ ok: true });
    expect(await countRequest(limiter, user)).toMatchObject({ ok: false, retryAfterSeconds: 60 });
    vi.setSystemTime(start + 59_000);
    expect(await countRequest(limiter, user)).toMatchObject({ ok: false, retryAfterSeconds: 1 });
    vi.setSystemTime(start + 60_001);
    expect(await countRequest(limiter, user)).toEqual({ ok: true });
    expect(await countRequest(limiter, user)).toEqual({ ok: true });
    expect(await countRequest(limiter, user)).toMatchObject({ ok: false });
  });

  it("lets the request through and logs one line when the database refuses connections", async () => {
    const logs = captureLogs();
    const unreachable = new pg.Pool({ connectionString: "postgresql://nobody:nothing@127.0.0.1:1/none" });
    try {
      const limiter = createRateLimiter(unreachable, "login", { points: 1, windowSeconds: 60 });
      expect(await countRequest(limiter, freshClient())).toEqual({ ok: true });
      expect(logs.entries()).toHaveLength(1);
      expect(logs.entries()[0]).toMatchObject({ level: "error", event: "rate_limit_unavailable", msg: "could not count a login request, letting it through" });
    } finally {
      logs.stop();
      await unreachable.end();
    }
  });

  it("lets the request through when the database does not answer at all", async () => {
    const logs = captureLogs();
    // Accepts connections and never says a word: a hung server, not a refused one.
    const sockets: net.Socket[] = [];
    const silent = net.createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const hung = new pg.Pool({ connectionString: `postgresql://nobody:nothing@127.0.0.1:${(silent.address() as net.AddressInfo).port}/none` });
    try {
      vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
      const verdict = countRequest(createRateLimiter(hung, "refresh", { points: 1, windowSeconds: 60 }), freshClient());
      await vi.advanceTimersByTimeAsync(2000);
      expect(await verdict).toEqual({ ok: true });
      expect(String(logs.entries()[0]?.error)).toContain("timed out");
    } finally {
      logs.stop();
      vi.useRealTimers();
      for (const socket of sockets) socket.destroy();
      await hung.end().catch(() => {});
      silent.close();
    }
  });
});
