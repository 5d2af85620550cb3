import "server-only";
import type { Db } from "../db";
import { isUniqueViolation } from "../unique-violation";

/**
 * Records that a security token (a SET, a Universal Logout request) with `jti` from `sender`
 * (the stream or the connection it came through, never a claim of the token) is being acted on,
 * until `expiresAt`: false if it already was (a replay, refused). Shared by every instance (the
 * database). `forgetReceipt` undoes it when acting failed, so the sender may retry.
 */
export async function firstReceipt(db: Db, sender: string, jti: string, expiresAt: Date): Promise<boolean> {
  try {
    await db.receivedSecurityToken.create({ data: { sender, jti, expiresAt } });
    return true;
  } catch (error) {
    if (isUniqueViolation(error)) return false;
    throw error;
  }
}

export async function forgetReceipt(db: Db, sender: string, jti: string): Promise<void> {
  await db.receivedSecurityToken.delete({ where: { sender_jti: { sender, jti } } }).catch(() => undefined);
}
