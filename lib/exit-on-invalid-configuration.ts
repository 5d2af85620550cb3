import { getApiTokenKeys } from "./credentials/api-token-keys";
import { ConfigurationError, getEnv } from "./config/env";

/** Node.js only: stops the server at startup when the configuration (keys included) is invalid. */
export async function exitOnInvalidConfiguration(): Promise<void> {
  try {
    await getApiTokenKeys(getEnv());
  } catch (error) {
    if (!(error instanceof ConfigurationError)) throw error;
    console.error(`\n${error.message}\n`);
    process.exit(1);
  }
}
