// Node.js only, once when the server starts: validates the configuration (a bad value stops
// the app with a message naming the variable instead of failing on the first request), makes
// X-Forwarded-For trustworthy for the rate limits, and schedules the pruning of old rows.
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { exitOnInvalidConfiguration } = await import("./lib/exit-on-invalid-configuration");
    await exitOnInvalidConfiguration();
    const { getEnv } = await import("./lib/env");
    const { installPeerAddressHook } = await import("./lib/http/peer-address-hook");
    installPeerAddressHook(getEnv().trustedProxyCount);
    const { startPruneSchedule } = await import("./lib/maintenance/prune-schedule");
    startPruneSchedule();
  }
}
