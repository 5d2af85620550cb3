import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { openSecret, parseSecretKey, sealedWithPreviousKey, sealSecret, SecretSealError, secretKeyRing } from "@/lib/organisations/connection-secrets";

const newKey = () => randomBytes(32).toString("base64");
const SECRET = "client-secret-Ω-1234567890";

function refusal(open: () => unknown): SecretSealError {
  try {
    open();
  } catch (error) {
    if (error instanceof SecretSealError) return error;
    throw error;
  }
  throw new Error("the sealed secret opened");
}

describe("connection secrets at rest", () => {
  const ring = secretKeyRing(newKey());

  it("opens what it sealed, and the sealed form holds neither the secret nor the key", () => {
    const sealed = sealSecret(SECRET, ring, "connection-1");
    expect(openSecret(sealed, ring, "connection-1")).toBe(SECRET);
    expect(sealed).not.toContain(SECRET);
    expect(sealed).not.toContain(ring.current.key.toString("base64url"));
    expect(sealed.split(".")).toHaveLength(5);
  });

  it("seals the same secret differently every time (a fresh IV)", () => {
    expect(sealSecret(SECRET, ring, "c")).not.toBe(sealSecret(SECRET, ring, "c"));
  });

  it("refuses a secret moved onto another row", () => {
    const sealed = sealSecret(SECRET, ring, "connection-1");
    expect(refusal(() => openSecret(sealed, ring, "connection-2")).code).toBe("tampered");
  });

  it.each([
    ["the ciphertext", 3],
    ["the tag", 4],
    ["the IV", 2],
  ])("refuses a change to %s", (_, part) => {
    const parts = sealSecret(SECRET, ring, "c").split(".");
    const bytes = Buffer.from(parts[part]!, "base64url");
    bytes[0]! ^= 1;
    parts[part] = bytes.toString("base64url");
    expect(refusal(() => openSecret(parts.join("."), ring, "c")).code).toBe("tampered");
  });

  it("refuses a truncated tag (GCM would otherwise check fewer bits)", () => {
    const parts = sealSecret(SECRET, ring, "c").split(".");
    parts[4] = Buffer.from(parts[4]!, "base64url").subarray(0, 4).toString("base64url");
    expect(refusal(() => openSecret(parts.join("."), ring, "c")).code).toBe("tampered");
  });

  it("refuses what is not a sealed secret", () => {
    expect(refusal(() => openSecret(SECRET, ring, "c")).code).toBe("malformed");
    expect(refusal(() => openSecret("v2.a.b.c.d", ring, "c")).code).toBe("malformed");
  });

  it("after a rotation: opens secrets sealed with the previous key, seals with the new one, and says which need re-sealing", () => {
    const oldKey = newKey();
    const before = secretKeyRing(oldKey);
    const sealedBefore = sealSecret(SECRET, before, "c");
    const after = secretKeyRing(newKey(), [oldKey]);
    expect(openSecret(sealedBefore, after, "c")).toBe(SECRET);
    expect(sealedWithPreviousKey(sealedBefore, after)).toBe(true);
    const resealed = sealSecret(openSecret(sealedBefore, after, "c"), after, "c");
    expect(sealedWithPreviousKey(resealed, after)).toBe(false);
    expect(refusal(() => openSecret(resealed, before, "c")).code).toBe("unknown_key");
  });

  it("refuses a secret sealed with a key it no longer has, naming the key by its id only", () => {
    const lost = secretKeyRing(newKey());
    const error = refusal(() => openSecret(sealSecret(SECRET, lost, "c"), ring, "c"));
    expect(error.code).toBe("unknown_key");
    expect(error.message).toContain(lost.current.id);
    expect(error.message).not.toContain(lost.current.key.toString("base64"));
  });

  it("takes a key of 32 bytes in base64 or base64url and refuses anything else with the fix", () => {
    const bytes = randomBytes(32);
    expect(parseSecretKey(bytes.toString("base64")).key.equals(bytes)).toBe(true);
    expect(parseSecretKey(bytes.toString("base64url")).key.equals(bytes)).toBe(true);
    expect(parseSecretKey(bytes.toString("base64")).id).toBe(parseSecretKey(bytes.toString("base64url")).id);
    for (const bad of ["", "short", randomBytes(16).toString("base64"), randomBytes(33).toString("base64"), "not base64 at all!!"]) {
      expect(() => parseSecretKey(bad)).toThrow(/openssl rand -base64 32/);
    }
  });
});
