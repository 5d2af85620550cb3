import "server-only";
import { createRemoteJWKSet, type JWTVerifyGetKey } from "jose";
import type { Env } from "../config/env";
import type { SignalStream } from "../organisation-admin/signal-streams";

const keySets = new Map<string, JWTVerifyGetKey>();

/**
 * The transmitter's published keys, fetched within OIDC_HTTP_TIMEOUT_MS, reused by every SET
 * of the stream, refetched for an unknown `kid` at most every OIDC_JWKS_REFETCH_COOLDOWN_SECONDS.
 */
export function signalStreamKeys(stream: Pick<SignalStream, "id" | "jwksUri">, env: Pick<Env, "oidcHttpTimeoutMs" | "oidcJwksRefetchCooldownSeconds">): JWTVerifyGetKey {
  const key = `${stream.id} ${stream.jwksUri}`;
  let keys = keySets.get(key);
  if (!keys) {
    keys = createRemoteJWKSet(new URL(stream.jwksUri), { timeoutDuration: env.oidcHttpTimeoutMs, cooldownDuration: env.oidcJwksRefetchCooldownSeconds * 1000 });
    if (keySets.size > 1000) keySets.clear();
    keySets.set(key, keys);
  }
  return keys;
}
