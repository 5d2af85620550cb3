import { encode } from "@auth/core/jwt";
import { exportJWK, generateKeyPair, type JWK } from "jose";
import { NextRequest } from "next/server";
import { getApiTokenKeys, type ApiTokenKeys } from "@/lib/credentials/api-token-keys";
import type { AuthenticationOptions } from "@/lib/credentials/authenticate-request";

export const SECRET = "unit-test-secret-0123456789abcdefghijklmnop";
export const COOKIE = "authjs.session-token";
export const APP_URL = "http://localhost:3000";
export const API_SETTINGS = { issuer: APP_URL, audience: `${APP_URL}/api` };

/** A fresh private JWK (with kid) as API_TOKEN_SIGNING_KEY would hold it. */
export async function privateJwk(alg: "ES256" | "EdDSA" = "ES256", kid = `test-${alg}`): Promise<JWK> {
  const { privateKey } = await generateKeyPair(alg, { extractable: true, crv: alg === "EdDSA" ? "Ed25519" : undefined });
  return { ...(await exportJWK(privateKey)), kid };
}

export const SIGNING_JWK = await privateJwk();
export const SIGNING_KEY = JSON.stringify(SIGNING_JWK);

export function apiTokenKeys(signingKey = SIGNING_KEY, previousKeys?: string): Promise<ApiTokenKeys> {
  return getApiTokenKeys({ apiTokenSigningKey: signingKey, apiTokenPreviousKeys: previousKeys });
}

export async function authenticationOptions(): Promise<AuthenticationOptions> {
  return { secret: SECRET, secureCookies: false, sessionAbsoluteLifetimeSeconds: 12 * 3600, apiTokens: { ...API_SETTINGS, keys: await apiTokenKeys() } };
}

/** A session cookie exactly as Auth.js writes it. */
export function sessionCookie(claims: Record<string, unknown> = {}, { secret = SECRET, maxAge = 3600, salt = COOKIE } = {}) {
  return encode({
    token: { sub: "user-1", role: "viewer", familyId: "family-1", authTime: Math.floor(Date.now() / 1000), email: "a@example.com", name: "A", ...claims },
    secret,
    salt,
    maxAge,
  });
}

export function apiRequest(headers: Record<string, string> = {}, path = "/api/auth/me", method = "GET") {
  return new NextRequest(`${APP_URL}${path}`, { headers, method });
}
