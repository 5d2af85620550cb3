import "server-only";
import type { Env } from "../config/env";
import { clientAddress } from "../http/client-address";
import { requestIdOf } from "../http/request-id";
import type { AuditEventInput } from "./audit-events";

/** Who made the request an event records: its client address, user agent and request id. */
export type AuditRequest = NonNullable<AuditEventInput["request"]>;

/**
 * The request's side of an audit event. The address is the one rate limits count by (the
 * N-th X-Forwarded-For entry behind TRUSTED_PROXY_COUNT proxies, never one a client wrote),
 * or null when unknown. Pass the request id its log lines already carry, so the event and the
 * log line (and the reference a person quotes) match; otherwise it is read or made here.
 */
export function auditRequestOf(request: Request, env: Pick<Env, "trustedProxyCount">, requestId?: string): AuditRequest {
  return {
    ipAddress: clientAddress(request, env.trustedProxyCount),
    userAgent: request.headers.get("user-agent"),
    requestId: requestId ?? requestIdOf(request.headers, env.trustedProxyCount > 0),
  };
}
