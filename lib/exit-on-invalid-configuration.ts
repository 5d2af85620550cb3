import { ConfigurationError, getEnv } from "./env";

/** Node.js only: stops the server at startup when the configuration is invalid. */
export function exitOnInvalidConfiguration(): void {
  try {
    getEnv();
  } catch (error) {
    if (!(error instanceof ConfigurationError)) throw error;
    console.error(`\n${error.message}\n`);
    process.exit(1);
  }
}
