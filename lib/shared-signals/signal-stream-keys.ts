import "server-only";
import { createRemoteJWKSet, customFetch, type JWTVerifyGetKey } from "jose";
import type { Env } from "../config/env";
import { MAX_IDP_BODY_BYTES, capBody } from "../oidc/identity-provider";
import type { SignalStream } from "../organisation-admin/signal-streams";

const keySets = new Map<string, JWTVerifyGetKey>();

/**
 * The transmitter's answer, read to at most MAX_IDP_BODY_BYTES (a JWKS is a few KiB), as the
 * IdP's are: a stream's JWKS URL is an organisation admin's choice, and anyone may make the
 * console fetch it (a SET with an unknown kid), so a huge or endless body must not be buffered.
 */
async function cappedFetch(url: string, options: RequestInit): Promise<Response> {
  // jose passes its timeout's signal; without one, nothing but the cap ends the read.
  const signal = options.signal ?? new AbortController().signal;
  return capBody(await fetch(url, { ...options, redirect: "manual" }), MAX_IDP_BODY_BYTES, signal);
}

/**
 * The transmitter's published keys, fetched within OIDC_HTTP_TIMEOUT_MS, reused by every SET
 * of the stream, refetched for an unknown `kid` at most every OIDC_JWKS_REFETCH_COOLDOWN_SECONDS.
 */
export function signalStreamKeys(stream: Pick<SignalStream, "id" | "jwksUri">, env: Pick<Env, "oidcHttpTimeoutMs" | "oidcJwksRefetchCooldownSeconds">): JWTVerifyGetKey {
  const key = `${stream.id} ${stream.jwksUri}`;
  let keys = keySets.get(key);
  if (!keys) {
    keys = createRemoteJWKSet(new URL(stream.jwksUri), { timeoutDuration: env.oidcHttpTimeoutMs, cooldownDuration: env.oidcJwksRefetchCooldownSeconds * 1000, [customFetch]: cappedFetch });
    if (keySets.size > 1000) keySets.clear();
    keySets.set(key, keys);
  }
  return keys;
}
