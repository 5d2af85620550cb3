import { currentRequest } from "../observability/request-context";

// What a proxy's request id may look like (nginx's $request_id is 32 hex characters).
const REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

/**
 * The id that ties a request's log lines, audit events and the reference a person quotes
 * together: the one the server gave this request (lib/observability/request-observer.ts), else
 * (no server hook: tests, scripts) the `X-Request-Id` a trusted proxy set, or a new one. With
 * no trusted proxy, a client-sent id is ignored, so nobody can write someone else's id into our logs.
 */
export function requestIdOf(headers: Pick<Headers, "get">, trustProxy: boolean): string {
  const assigned = currentRequest()?.requestId;
  if (assigned) return assigned;
  const given = trustProxy ? headers.get("x-request-id") : null;
  return given && REQUEST_ID.test(given) ? given : crypto.randomUUID();
}
