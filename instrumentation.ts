// Validates the configuration once when the server starts, so a bad value stops the app
// with a message naming the variable instead of failing on the first request.
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { exitOnInvalidConfiguration } = await import("./lib/exit-on-invalid-configuration");
    await exitOnInvalidConfiguration();
  }
}
