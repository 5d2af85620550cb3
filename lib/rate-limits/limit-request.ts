import type { Env } from "../config/env";
import { clientAddress, clientNetwork } from "../http/client-address";
import { getLogger } from "../observability/logger";
import { metrics } from "../observability/metrics";
import { countRequest, getRateLimiter, type RateLimitBucket } from "./rate-limiter";
import { rateLimitedResponse } from "./rate-limited-response";

export type AddressBucket = Exclude<RateLimitBucket, "token">;

// Requests whose address is unknown share one key: hiding it must not buy a fresh limit.
const UNKNOWN_CLIENT = "unknown";
let unknownClientLogged = false;

async function limitByKey(request: Request, bucket: RateLimitBucket, key: string, env: Env): Promise<Response | null> {
  let limiter;
  try {
    limiter = getRateLimiter(bucket, env);
  } catch (error) {
    getLogger().error({ event: "rate_limit_unavailable", bucket, msg: `no limiter for ${bucket}, letting the request through`, error: error instanceof Error ? error.message : String(error) });
    return null;
  }
  if (!limiter) return null;
  const verdict = await countRequest(limiter, key);
  if (verdict.ok) return null;
  metrics.rateLimited.inc({ bucket });
  return rateLimitedResponse(request, verdict.retryAfterSeconds, env.authUrl);
}

/**
 * Counts `request` against its client address's limit in `bucket` (RATE_LIMIT_*). Returns
 * the refusal to send (429 JSON, or a 303 to the sign-in error page for a browser
 * navigation), or null to go on. Never throws: a database failure lets the request through.
 */
export async function limitRequest(request: Request, bucket: AddressBucket, env: Env): Promise<Response | null> {
  if (!env.rateLimits[bucket]) return null;
  const address = clientAddress(request, env.trustedProxyCount);
  if (!address && !unknownClientLogged) {
    unknownClientLogged = true;
    getLogger().warn(
      "a request came without a usable client address (it reached the server before the peer-address hook was installed, or the X-Forwarded-For entry of the last trusted proxy is not an address: check TRUSTED_PROXY_COUNT); such requests share one limit",
    );
  }
  return limitByKey(request, bucket, address ? clientNetwork(address) : UNKNOWN_CLIENT, env);
}

/** Counts `request` against the signed-in user's limit in `bucket` (RATE_LIMIT_TOKEN). */
export async function limitRequestByUser(request: Request, bucket: "token", userId: string, env: Env): Promise<Response | null> {
  return limitByKey(request, bucket, userId, env);
}
