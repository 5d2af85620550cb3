import { exportJWK, generateKeyPair } from "jose";
import { loadEnv } from "@/lib/config/env";

/**
 * The configuration that minting and verifying API tokens needs, against `databaseUrl`, with
 * a signing key made for this suite alone (`kid`); `extra` adds or overrides variables.
 */
export async function envWithApiTokenKey(databaseUrl: string, kid: string, extra: Record<string, string> = {}) {
  const { privateKey } = await generateKeyPair("ES256", { extractable: true });
  return loadEnv({
    AUTH_SECRET: "integration-secret-0123456789abcdefghijklmnop",
    API_TOKEN_SIGNING_KEY: JSON.stringify({ ...(await exportJWK(privateKey)), kid }),
    DATABASE_URL: databaseUrl,
    ...extra,
  });
}
