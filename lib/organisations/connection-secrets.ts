import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";

/**
 * Connection client secrets at rest: AES-256-GCM under a key from the environment, with the
 * previous key still accepted for decryption so the key can be rotated without a window in
 * which saved connections stop working. A sealed secret names the key that sealed it (a hash
 * of the key, not the key), so rotation knows which rows still need re-sealing. The row it
 * belongs to is bound in as additional authenticated data: a sealed secret copied onto another
 * connection's row does not decrypt there.
 */

const VERSION = "v1";
const IV_BYTES = 12;
const KEY_BYTES = 32;
const TAG_BYTES = 16;

export type SecretKey = { id: string; key: Buffer };
export type SecretKeyRing = { current: SecretKey; previous: SecretKey[] };

/** Why a sealed secret could not be opened; the message never contains the secret or the key. */
export class SecretSealError extends Error {
  constructor(
    readonly code: "malformed" | "unknown_key" | "tampered",
    message: string,
  ) {
    super(message);
    this.name = "SecretSealError";
  }
}

/** A key from its text: 32 bytes in base64 or base64url (e.g. `openssl rand -base64 32`). */
export function parseSecretKey(text: string): SecretKey {
  const normalised = text.trim().replace(/-/g, "+").replace(/_/g, "/");
  const key = /^[A-Za-z0-9+/]+={0,2}$/.test(normalised) ? Buffer.from(normalised, "base64") : Buffer.alloc(0);
  if (key.length !== KEY_BYTES) throw new Error(`must be ${KEY_BYTES} random bytes in base64 (44 characters), e.g. from \`openssl rand -base64 32\`; got ${key.length} bytes`);
  return { id: createHash("sha256").update(key).digest("base64url").slice(0, 11), key };
}

export function secretKeyRing(current: string, previous: string[] = []): SecretKeyRing {
  return { current: parseSecretKey(current), previous: previous.map(parseSecretKey) };
}

/** `v1.<key id>.<iv>.<ciphertext>.<tag>`, each part base64url. `boundTo` is the owning row's id. */
export function sealSecret(plaintext: string, ring: SecretKeyRing, boundTo: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", ring.current.key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(`${VERSION}.${ring.current.id}.${boundTo}`));
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return [VERSION, ring.current.id, iv.toString("base64url"), ciphertext.toString("base64url"), cipher.getAuthTag().toString("base64url")].join(".");
}

export function openSecret(sealed: string, ring: SecretKeyRing, boundTo: string): string {
  const parts = sealed.split(".");
  if (parts.length !== 5 || parts[0] !== VERSION) throw new SecretSealError("malformed", `a sealed secret must look like ${VERSION}.KEY.IV.CIPHERTEXT.TAG`);
  const [, keyId, iv, ciphertext, tag] = parts as [string, string, string, string, string];
  const key = [ring.current, ...ring.previous].find((candidate) => candidate.id === keyId);
  if (!key) throw new SecretSealError("unknown_key", `sealed with key ${keyId}, which is neither the current key nor a previous one: set the key it was sealed with as the previous key`);
  try {
    // The tag's length is fixed: GCM would otherwise accept a truncated tag, a weaker check.
    const decipher = createDecipheriv("aes-256-gcm", key.key, Buffer.from(iv, "base64url"), { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(`${VERSION}.${keyId}.${boundTo}`));
    decipher.setAuthTag(Buffer.from(tag, "base64url"));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, "base64url")), decipher.final()]).toString("utf8");
  } catch {
    throw new SecretSealError("tampered", "the sealed secret does not authenticate: it was changed, or it belongs to another row");
  }
}

/** Whether a sealed secret needs re-sealing under the current key (after a rotation). */
export function sealedWithPreviousKey(sealed: string, ring: SecretKeyRing): boolean {
  return sealed.split(".")[1] !== ring.current.id;
}
