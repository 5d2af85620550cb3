import { randomUUID } from "node:crypto";
import http from "node:http";
import type { Logger } from "pino";
import { ERROR_CODE_HEADER } from "../errors/api-errors";
import { metrics } from "./metrics";
import { requestContextStorage, type RequestContext } from "./request-context";

// What a proxy's request id may look like (nginx's $request_id is 32 hex characters).
const REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;
/**
 * Takes the code an error answer carries (lib/errors/api-errors.ts puts it in a header of its
 * own on every one) off the response as its head is written: the log line and the metrics
 * read it from there, and the client never sees that header.
 */
function takeErrorCode(response: http.ServerResponse, onCode: (code: string) => void): void {
  const writeHead = response.writeHead;
  response.writeHead = function writeHeadWithoutErrorCode(this: http.ServerResponse, ...args: unknown[]) {
    const code = this.getHeader(ERROR_CODE_HEADER);
    if (typeof code === "string") onCode(code);
    this.removeHeader(ERROR_CODE_HEADER);
    return Reflect.apply(writeHead, this, args) as http.ServerResponse;
  } as typeof response.writeHead;
}

/** Why an API answer refused: the code it carries, or, for an answer not made by apiError, its status. */
const refusalOf = (status: number, code: string | undefined) => (status < 400 ? undefined : (code ?? `http_${status}`));

/**
 * Node.js only, once per process (instrumentation.ts), around every request the server gets:
 * - the runtime headers (lib/http/runtime-headers.ts) on every response;
 * - a request id: the X-Request-Id a trusted proxy sent (TRUSTED_PROXY_COUNT > 0), or a new
 *   one; written back into the request (everything downstream, the Edge middleware included,
 *   reads that header) and echoed in the response;
 * - a request context (AsyncLocalStorage) that the route handlers fill in (who the caller is);
 * - for /api routes, one JSON log line when the response ends — method, path (never the query:
 *   the OIDC callback's holds the authorization code), status, duration, request id, user id,
 *   refusal code — and the HTTP and refusal metrics.
 */
export function installRequestObserver(options: { trustProxyRequestId: boolean; logger: Logger; runtimeHeaders?: Record<string, string> }): void {
  const INSTALLED = Symbol.for("voicesurveyagent.requestObserverInstalled");
  const processGlobals = globalThis as Record<symbol, unknown>;
  if (processGlobals[INSTALLED]) return;
  processGlobals[INSTALLED] = true;
  const runtimeHeaders = Object.entries(options.runtimeHeaders ?? {});
  const emit = http.Server.prototype.emit;
  http.Server.prototype.emit = function emitWithRequestContext(this: http.Server, event: string | symbol, ...args: unknown[]) {
    if (event !== "request") return Reflect.apply(emit, this, [event, ...args]) as boolean;
    const request = args[0] as http.IncomingMessage;
    const response = args[1] as http.ServerResponse;
    const given = options.trustProxyRequestId ? request.headers["x-request-id"] : undefined;
    const requestId = typeof given === "string" && REQUEST_ID.test(given) ? given : randomUUID();
    request.headers["x-request-id"] = requestId;
    response.setHeader("X-Request-Id", requestId);
    for (const [name, value] of runtimeHeaders) response.setHeader(name, value);
    const context: RequestContext = { requestId };
    const path = (request.url ?? "/").split("?")[0]!;
    // Off every answer, not only /api's (the forward-auth listener's 404 for another path).
    let errorCode: string | undefined;
    takeErrorCode(response, (code) => (errorCode = code));
    if (path === "/api" || path.startsWith("/api/")) {
      const startedAt = process.hrtime.bigint();
      response.once("close", () => {
        const seconds = Number(process.hrtime.bigint() - startedAt) / 1e9;
        const status = response.statusCode;
        const refusal = refusalOf(status, errorCode);
        metrics.httpRequestSeconds.observe({ method: request.method ?? "GET", status: `${Math.floor(status / 100)}xx` }, seconds);
        if (refusal && status !== 503 && status < 500) metrics.apiRefusals.inc({ status: String(status), code: refusal });
        const line = { event: "request", method: request.method, path, status, durationMs: Math.round(seconds * 10_000) / 10, requestId, userId: context.userId, refusal, aborted: !response.writableFinished || undefined };
        if (status >= 500) options.logger.error(line);
        else options.logger.info(line);
      });
    }
    return requestContextStorage.run(context, () => Reflect.apply(emit, this, [event, ...args]) as boolean);
  };
}
