import "server-only";
import type { Prisma } from "@prisma/client";

/**
 * Records, in the transaction that acts on it, that a security token (a SET, a Universal Logout
 * request) with `jti` from `sender` (the stream or the connection it came through, never a claim
 * of the token) is acted on, until `expiresAt`. A replay fails on the key's unique index
 * (isUniqueViolation): the transaction, and so the action, does not happen again. Shared by every
 * instance (the database); a second delivery racing the first waits for its commit, then fails.
 */
export async function recordReceipt(tx: Pick<Prisma.TransactionClient, "receivedSecurityToken">, sender: string, jti: string, expiresAt: Date): Promise<void> {
  await tx.receivedSecurityToken.create({ data: { sender, jti, expiresAt } });
}
