// Node.js only, once when the server starts: validates the configuration (a bad value stops
// the app with a message naming the variable instead of failing on the first request), makes
// X-Forwarded-For trustworthy for the rate limits, gives every request an id, a log line and
// metrics, starts the forward-auth listener (FORWARD_AUTH_PORT), schedules the pruning of old rows, and drains requests and closes the database pool
// on SIGTERM.
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { exitOnInvalidConfiguration } = await import("./lib/exit-on-invalid-configuration");
    await exitOnInvalidConfiguration();
    const { getEnv } = await import("./lib/config/env");
    const { installPeerAddressHook } = await import("./lib/http/peer-address-hook");
    const { getLogger, getRequestLineLogger } = await import("./lib/observability/logger");
    installPeerAddressHook(getEnv().trustedProxyCount, () =>
      getLogger().warn({
        event: "proxy_not_trusted",
        message:
          "Requests arrive from a proxy on this machine (X-Forwarded-For from loopback) but TRUSTED_PROXY_COUNT is 0: every client counts as 127.0.0.1, so they share one rate-limit bucket and pass the loopback checks. Set TRUSTED_PROXY_COUNT=1 behind one proxy.",
      }),
    );
    const { installRequestObserver } = await import("./lib/observability/request-observer");
    const { startMetricCollectors } = await import("./lib/observability/metrics");
    const { currentPgPool } = await import("./lib/db");
    const { runtimeHeaders } = await import("./lib/http/runtime-headers");
    installRequestObserver({ trustProxyRequestId: getEnv().trustedProxyCount > 0, logger: getRequestLineLogger(), runtimeHeaders: runtimeHeaders(getEnv()) });
    startMetricCollectors(currentPgPool);
    const forwardAuthListen = getEnv().forwardAuthListen;
    if (forwardAuthListen) {
      const { startForwardAuthListener } = await import("./lib/access/forward-auth-listener");
      await startForwardAuthListener(forwardAuthListen);
    }
    const { startPruneSchedule } = await import("./lib/maintenance/prune-schedule");
    startPruneSchedule();
    // The development server keeps its own signal handling (it also closes its hot-reload sockets).
    if (process.env.NODE_ENV === "production") {
      const { installGracefulShutdown, onShutdown } = await import("./lib/http/graceful-shutdown");
      const { closeDb } = await import("./lib/db");
      installGracefulShutdown();
      onShutdown(closeDb);
    }
  }
}
