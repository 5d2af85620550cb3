// Validates the configuration once when the server starts, so a bad value stops the app
// with a message naming the variable instead of failing on the first request.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { getEnv, ConfigurationError } = await import("./lib/env");
  try {
    getEnv();
  } catch (error) {
    if (error instanceof ConfigurationError) {
      console.error(`\n${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}
