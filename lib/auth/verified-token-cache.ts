/**
 * Remembers tokens whose signature and claims were fully verified, so a client repeating
 * the same cookie or Bearer token skips the cryptography. Safe by construction:
 * - only successes are stored: a flood of garbage or forged tokens stores nothing;
 * - the key is the whole token string: any other string, a one-bit change included, misses
 *   and is verified in full (signature, `alg`, claims);
 * - an entry never outlives the token's own `exp`;
 * - the size is bounded: past `maxEntries` the oldest entry goes.
 * Revocation is not decided here: route handlers check the token family (token-families.ts).
 */
export class VerifiedTokenCache<T> {
  private readonly entries = new Map<string, { value: T; expiresAtMs: number }>();

  constructor(private readonly maxEntries: number) {}

  get(token: string, nowMs = Date.now()): T | undefined {
    const entry = this.entries.get(token);
    if (!entry) return undefined;
    if (entry.expiresAtMs <= nowMs) {
      this.entries.delete(token);
      return undefined;
    }
    return entry.value;
  }

  set(token: string, value: T, expiresAtMs: number, nowMs = Date.now()): void {
    if (expiresAtMs <= nowMs) return;
    this.entries.delete(token);
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(token, { value, expiresAtMs });
  }

  get size(): number {
    return this.entries.size;
  }

  clear(): void {
    this.entries.clear();
  }
}
