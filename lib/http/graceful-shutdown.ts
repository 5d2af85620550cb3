import http from "node:http";
import { getLogger } from "../observability/logger";

/** In-flight requests get this long to finish after SIGTERM; then the rest are cut. */
export const SHUTDOWN_DRAIN_MS = 10_000;

type ShutdownState = { draining: boolean; servers: Set<http.Server>; inFlight: number; closers: (() => Promise<void>)[]; background: Set<Promise<unknown>> };

// On globalThis: instrumentation, route handlers and the health route are bundled separately.
const STATE_KEY = Symbol.for("voicesurveyagent.gracefulShutdown");
const processGlobals = globalThis as Record<symbol, ShutdownState | undefined>;
const state = (processGlobals[STATE_KEY] ??= { draining: false, servers: new Set(), inFlight: 0, closers: [], background: new Set() });

/** True once SIGTERM arrived: readiness answers 503 so a load balancer sends no more requests. */
export function isDraining(): boolean {
  return state.draining;
}

/**
 * Work a request started but did not wait for (an audit event written after the answer):
 * a shutdown waits for it, within the drain time, before it closes the database pool.
 */
export function finishBeforeShutdown(work: Promise<unknown>): void {
  state.background.add(work);
  void work.finally(() => state.background.delete(work));
}

/** A server of the app's own besides Next's (the forward-auth listener): it stops accepting and drains with Next's. */
export function drainOnShutdown(server: http.Server): void {
  state.servers.add(server);
}

/** Work to finish before the process exits, after the last request (e.g. closing the database pool). */
export function onShutdown(closer: () => Promise<void>): void {
  state.closers.push(closer);
}

/**
 * Replaces `next start`'s own signal handling, which exits with 143 and gives in-flight
 * requests no bound (Next's start-server module, in the next package, registers it before instrumentation
 * runs, so it is removed here rather than switched off with NEXT_MANUAL_SIG_HANDLE, which an
 * operator could forget). On SIGTERM (or SIGINT):
 * readiness turns 503, the HTTP server stops accepting connections and closes idle keep-alive
 * ones, requests in flight get SHUTDOWN_DRAIN_MS to finish, the closers run (the database
 * pool), and the process exits 0. A second signal exits at once.
 *
 * Node.js only, once per process (instrumentation.ts). The servers are found the way the
 * peer-address hook finds requests: every request passes through http.Server's `emit`.
 */
export function installGracefulShutdown(options: { drainMs?: number; log?: (fields: Record<string, unknown>) => void } = {}): void {
  if (processGlobals[Symbol.for("voicesurveyagent.gracefulShutdownInstalled")]) return;
  (processGlobals as Record<symbol, unknown>)[Symbol.for("voicesurveyagent.gracefulShutdownInstalled")] = true;
  const log = options.log ?? ((fields: Record<string, unknown>) => getLogger().info(fields));
  const emit = http.Server.prototype.emit;
  http.Server.prototype.emit = function emitCountingRequests(this: http.Server, event: string | symbol, ...args: unknown[]) {
    if (event === "request") {
      state.servers.add(this);
      const response = args[1] as http.ServerResponse;
      state.inFlight++;
      response.once("close", () => state.inFlight--);
      // Once draining, a keep-alive client (nginx) must not send more on this connection.
      if (state.draining) response.setHeader("Connection", "close");
    }
    return Reflect.apply(emit, this, [event, ...args]) as boolean;
  };

  const shutDown = async (signal: string) => {
    if (state.draining) {
      log({ event: "shutdown_forced", signal });
      process.exit(1);
    }
    state.draining = true;
    const startedAt = Date.now();
    log({ event: "shutdown_started", signal, inFlight: state.inFlight });
    const closed = Promise.all([...state.servers].map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
    // A keep-alive connection becomes idle when its request is answered: close it then.
    const closeIdle = () => state.servers.forEach((server) => server.closeIdleConnections());
    closeIdle();
    const sweeper = setInterval(closeIdle, 50);
    const deadline = new Promise<"deadline">((resolve) => setTimeout(() => resolve("deadline"), options.drainMs ?? SHUTDOWN_DRAIN_MS).unref());
    const drained = (await Promise.race([closed.then(() => "drained" as const), deadline])) === "drained";
    clearInterval(sweeper);
    if (!drained) for (const server of state.servers) server.closeAllConnections();
    await Promise.race([Promise.allSettled([...state.background]), new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
    await Promise.allSettled(state.closers.map((close) => close()));
    log({ event: "shutdown_finished", drained, cutRequests: drained ? 0 : state.inFlight, ms: Date.now() - startedAt });
    process.exit(0);
  };
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.removeAllListeners(signal);
    process.on(signal, () => void shutDown(signal));
  }
}
