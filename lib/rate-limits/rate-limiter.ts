import "server-only";
import type pg from "pg";
import { RLWrapperTimeouts, RateLimiterPostgres, RateLimiterRes } from "rate-limiter-flexible";
import { getPgPool } from "../db";
import type { Env, RateLimit } from "../config/env";
import { getLogger } from "../observability/logger";

export type RateLimitBucket = keyof Env["rateLimits"];

export type RateLimitVerdict = { ok: true } | { ok: false; code: "rate_limited"; retryAfterSeconds: number };

/** Stored as "RateLimit".key = "<prefix>:<client>", e.g. "login:203.0.113.9". */
const KEY_PREFIXES: Record<RateLimitBucket, string> = {
  login: "login",
  callback: "callback",
  refresh: "refresh",
  backchannelLogout: "backchannel-logout",
  securityEvents: "security-events",
  token: "token",
};

// A limit is a defence, not a dependency: a count that takes longer than this lets the
// request through rather than holding sign-in hostage to a slow database.
const COUNT_TIMEOUT_MS = 2000;

export type RateLimiter = { bucket: RateLimitBucket; limiter: RLWrapperTimeouts };

/**
 * A fixed-window limit for one bucket, counted in the "RateLimit" table. Each count is one
 * atomic INSERT … ON CONFLICT DO UPDATE, so every instance on the database shares it.
 */
export function createRateLimiter(pool: pg.Pool, bucket: RateLimitBucket, limit: RateLimit): RateLimiter {
  const store = new RateLimiterPostgres({
    storeClient: pool,
    storeType: "pool",
    tableName: "RateLimit",
    // The migration creates the table; lib/maintenance/prune.ts deletes expired counters.
    tableCreated: true,
    clearExpiredByTimeout: false,
    keyPrefix: KEY_PREFIXES[bucket],
    points: limit.points,
    duration: limit.windowSeconds,
    // Once a key is over its limit, this instance refuses it from memory until its window
    // ends: a flood from one client costs one database write per window, not one per request.
    inMemoryBlockOnConsumed: limit.points + 1,
  });
  return { bucket, limiter: new RLWrapperTimeouts({ limiter: store, timeoutMs: COUNT_TIMEOUT_MS }) };
}

/** Counts one request of `key`. A database failure lets it through and logs one line. */
export async function countRequest({ bucket, limiter }: RateLimiter, key: string): Promise<RateLimitVerdict> {
  try {
    await limiter.consume(key);
    return { ok: true };
  } catch (outcome) {
    if (outcome instanceof RateLimiterRes) {
      return { ok: false, code: "rate_limited", retryAfterSeconds: Math.max(1, Math.ceil(outcome.msBeforeNext / 1000)) };
    }
    getLogger().error({ event: "rate_limit_unavailable", bucket, msg: `could not count a ${bucket} request, letting it through`, error: outcome instanceof Error ? outcome.message : String(outcome) });
    return { ok: true };
  }
}

// One limiter per bucket and process, on globalThis: route handlers are bundled separately,
// and the in-memory refusals are worth sharing between them.
const LIMITERS_KEY = Symbol.for("voicesurveyagent.rateLimiters");
const processGlobals = globalThis as Record<symbol, unknown>;
const limiters = (processGlobals[LIMITERS_KEY] ??= new Map<RateLimitBucket, RateLimiter | null>()) as Map<RateLimitBucket, RateLimiter | null>;

/** This process's limiter for `bucket`, over the app's own connection pool; null when the limit is off. */
export function getRateLimiter(bucket: RateLimitBucket, env: Env): RateLimiter | null {
  if (!limiters.has(bucket)) {
    const limit = env.rateLimits[bucket];
    limiters.set(bucket, limit ? createRateLimiter(getPgPool(), bucket, limit) : null);
  }
  return limiters.get(bucket)!;
}
