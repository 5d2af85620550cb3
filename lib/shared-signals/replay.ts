import "server-only";
import type { Db } from "../db";
import { isUniqueViolation } from "../unique-violation";

/**
 * Records that a security token (a SET, a Universal Logout request) of `issuer` with `jti` is
 * being acted on, until `expiresAt`: false if it already was (a replay, refused). Shared by every
 * instance (the database). `forget` undoes it when acting failed, so the sender may retry.
 */
export async function firstReceipt(db: Db, issuer: string, jti: string, expiresAt: Date): Promise<boolean> {
  try {
    await db.receivedSecurityToken.create({ data: { issuer, jti, expiresAt } });
    return true;
  } catch (error) {
    if (isUniqueViolation(error)) return false;
    throw error;
  }
}

export async function forgetReceipt(db: Db, issuer: string, jti: string): Promise<void> {
  await db.receivedSecurityToken.delete({ where: { issuer_jti: { issuer, jti } } }).catch(() => undefined);
}
