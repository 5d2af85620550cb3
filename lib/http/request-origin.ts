import type { Env } from "../env";
import { clientAddress } from "./client-address";
import { requestIdOf } from "./request-id";

/** Where a request came from, as administrators see it (audit events, sessions). */
export type RequestOrigin = { ipAddress: string | null; userAgent: string | null; requestId: string };

// A user agent is the client's own text: kept, but bounded.
const MAX_USER_AGENT_LENGTH = 512;

/**
 * The client's address (by the same rule as rate limits: TRUSTED_PROXY_COUNT), its user
 * agent and the request id. Takes the headers alone, so that code holding no Request (the
 * Auth.js callbacks, through next/headers) can use it too.
 */
export function requestOriginOf(headers: Pick<Headers, "get">, env: Pick<Env, "trustedProxyCount">): RequestOrigin {
  return {
    ipAddress: clientAddress({ headers }, env.trustedProxyCount),
    userAgent: headers.get("user-agent")?.slice(0, MAX_USER_AGENT_LENGTH) ?? null,
    requestId: requestIdOf(headers, env.trustedProxyCount > 0),
  };
}
