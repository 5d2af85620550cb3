import { createHash } from "node:crypto";

/**
 * What the database keeps of an opaque bearer secret (a refresh token, a setup link's token, a
 * directory token): its SHA-256, base64url. The secrets are 256 random bits, so a plain hash
 * (no salt, no stretching) is enough, and it is what an indexed lookup needs.
 */
export function hashOpaqueToken(token: string): string {
  return createHash("sha256").update(token).digest("base64url");
}
