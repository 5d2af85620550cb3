import "server-only";
import http from "node:http";
import { parseCookie } from "next/dist/compiled/@edge-runtime/cookies";
import { apiErrorAnswer } from "../errors/api-errors";
import type { Answer } from "../answer";
import { serviceUnavailableAnswer } from "../http/api-route";
import { drainOnShutdown } from "../http/graceful-shutdown";
import { NO_STORE } from "../http/no-store";
import { getLogger } from "../observability/logger";
import { decideForwardAuth } from "./forward-auth-decision";
import type { GuardedRequest } from "./guard";

export const FORWARD_AUTH_PATH = "/api/auth/verify";
export const FORWARD_AUTH_LIVE_PATH = "/api/health/live";

/** Node.js keeps a connection this long for the next request; nginx's upstream keepalive_timeout must be shorter (4 s). */
const KEEP_ALIVE_TIMEOUT_MS = 5_000;

const LIVE: Answer = { status: 200, headers: { "Content-Type": "application/json", ...NO_STORE }, body: JSON.stringify({ status: "ok" }) };

/**
 * A node:http request as the guard reads one: headers by name, cookies parsed the way Next
 * parses them (the same library), once and only when asked.
 */
function guardedRequest(request: http.IncomingMessage): GuardedRequest {
  let cookies: Map<string, string> | undefined;
  return {
    headers: {
      get(name: string) {
        const value = request.headers[name.toLowerCase()];
        return value === undefined ? null : Array.isArray(value) ? value.join(", ") : value;
      },
    },
    cookies: {
      get(name: string) {
        cookies ??= parseCookie(request.headers.cookie ?? "");
        const value = cookies.get(name);
        return value === undefined ? undefined : { value };
      },
    },
  };
}

async function answer(request: http.IncomingMessage): Promise<Answer> {
  const url = request.url ?? "/";
  const queryAt = url.indexOf("?");
  const path = queryAt === -1 ? url : url.slice(0, queryAt);
  if (path !== FORWARD_AUTH_PATH && path !== FORWARD_AUTH_LIVE_PATH) return apiErrorAnswer("not_found", { message: `Only ${FORWARD_AUTH_PATH} and ${FORWARD_AUTH_LIVE_PATH} are served here.` });
  if (request.method !== "GET" && request.method !== "HEAD") return apiErrorAnswer("method_not_allowed", { headers: { Allow: "GET, HEAD" } });
  if (path === FORWARD_AUTH_LIVE_PATH) return LIVE;
  const role = queryAt === -1 ? null : new URLSearchParams(url.slice(queryAt + 1)).get("role");
  try {
    return await decideForwardAuth(guardedRequest(request), role);
  } catch (error) {
    // As apiRoute does for the Next route: the database down is a 503 JSON, not a dropped connection.
    getLogger().error({ event: "api_failed", error: error instanceof Error ? error.message : String(error) });
    return serviceUnavailableAnswer();
  }
}

/**
 * Headers one by one (the request observer reads the error code among them as the head is
 * written), the body as a string: Node.js sends head and body in one write.
 */
function send(answered: Answer, to: http.ServerResponse, head: boolean): void {
  to.statusCode = answered.status;
  for (const name in answered.headers) to.setHeader(name, answered.headers[name]!);
  if (answered.setCookies) to.setHeader("Set-Cookie", answered.setCookies);
  to.end(head ? undefined : (answered.body ?? undefined));
}

/**
 * The forward-auth listener: GET /api/auth/verify (and its liveness) on a port of its own
 * (FORWARD_AUTH_PORT), outside Next's router, rendering and middleware, which cost about
 * 2 ms of CPU for any request. The answer is the Next route's own (decideForwardAuth); the
 * request observer and the graceful shutdown see this server like Next's (they wrap every
 * http.Server), so it logs, counts and drains alike.
 */
export function createForwardAuthListener(): http.Server {
  const server = http.createServer((request, response) => {
    answer(request).then(
      (answered) => send(answered, response, request.method === "HEAD"),
      () => response.destroy(),
    );
  });
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  return server;
}

/**
 * Starts the listener at FORWARD_AUTH_PORT (instrumentation.ts, with Next's own server), or
 * stops the process with the variable and the fix when it cannot listen there.
 */
export async function startForwardAuthListener(listen: { host: string | undefined; port: number }): Promise<http.Server> {
  const server = createForwardAuthListener();
  await new Promise<void>((resolve) => {
    server.once("error", (error: NodeJS.ErrnoException) => {
      const where = `${listen.host ?? "*"}:${listen.port}`;
      const why = error.code === "EADDRINUSE" ? "is in use" : error.code === "EACCES" ? "may not be used by this process" : `cannot be listened on (${error.code ?? error.message})`;
      console.error(`\nFORWARD_AUTH_PORT: ${where} ${why}. Set FORWARD_AUTH_PORT to a free port (not PORT), or leave it unset.\n`);
      process.exit(1);
    });
    server.listen(listen.port, listen.host, () => resolve());
  });
  drainOnShutdown(server);
  getLogger().info({ event: "forward_auth_listening", host: listen.host ?? "*", port: listen.port, path: FORWARD_AUTH_PATH });
  return server;
}
