import { exportJWK, generateKeyPair } from "jose";
import { inject } from "vitest";

/**
 * Route handlers and the guard read the process configuration, as in production: a test that
 * calls them sets it first (before importing them), with a signing key of its own.
 */
export async function configureProcess(name: string): Promise<void> {
  const { privateKey } = await generateKeyPair("ES256", { extractable: true });
  process.env.AUTH_SECRET = `${name}-test-secret-0123456789abcdefghijklmnop`;
  process.env.API_TOKEN_SIGNING_KEY = JSON.stringify({ ...(await exportJWK(privateKey)), kid: name });
  process.env.DATABASE_URL = inject("databaseUrl");
  process.env.DATABASE_POOL_MAX = String(inject("poolMax"));
}
