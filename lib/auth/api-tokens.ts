import { createHash, randomBytes } from "node:crypto";
import type { Db } from "../db";
import type { Env } from "../env";
import { mintAccessToken } from "./access-token";
import { getApiTokenKeys } from "./api-token-keys";
import { accessTokenSettings } from "./authentication-options";
import type { Role } from "./roles";
import type { SessionIdentity } from "./session-cookie";
import { revokeFamilies } from "./token-families";

export type IssuedTokens = {
  access_token: string;
  token_type: "Bearer";
  expires_in: number;
  refresh_token: string;
  refresh_expires_in: number;
};

// A recognisable prefix lets secret scanners find leaked refresh tokens.
const REFRESH_TOKEN_PREFIX = "vsa_rt_";
const MAX_REFRESH_TOKEN_LENGTH = 128;

export function hashRefreshToken(token: string): string {
  return createHash("sha256").update(token).digest("base64url");
}

async function issueTokenPair(db: Db, env: Env, subject: { userId: string; role: Role; email: string | null; familyId: string }): Promise<IssuedTokens> {
  const refreshToken = REFRESH_TOKEN_PREFIX + randomBytes(32).toString("base64url"); // 256 bits
  const refreshTtlSeconds = env.refreshTokenTtlDays * 86_400;
  await db.refreshToken.create({
    data: {
      tokenHash: hashRefreshToken(refreshToken),
      familyId: subject.familyId,
      userId: subject.userId,
      expiresAt: new Date(Date.now() + refreshTtlSeconds * 1000),
    },
  });
  const ttlSeconds = env.accessTokenTtlMinutes * 60;
  const { token } = await mintAccessToken(
    { userId: subject.userId, role: subject.role, email: subject.email, sid: subject.familyId },
    await getApiTokenKeys(env),
    { ...accessTokenSettings(env), ttlSeconds },
  );
  return { access_token: token, token_type: "Bearer", expires_in: ttlSeconds, refresh_token: refreshToken, refresh_expires_in: refreshTtlSeconds };
}

/** A new API token family, a child of the caller's browser sign-in: signing out ends it too. */
export async function createApiTokens(db: Db, env: Env, caller: SessionIdentity): Promise<IssuedTokens> {
  const user = await db.user.findUniqueOrThrow({ where: { id: caller.userId }, select: { role: true, email: true } });
  const family = await db.tokenFamily.create({
    data: { kind: "api", userId: caller.userId, parentId: caller.sid, expiresAt: new Date(Date.now() + env.apiTokenFamilyMaxDays * 86_400_000) },
    select: { id: true },
  });
  return issueTokenPair(db, env, { userId: caller.userId, role: user.role, email: user.email, familyId: family.id });
}

export type RefreshOutcome =
  | { ok: true; tokens: IssuedTokens }
  | { ok: false; code: "invalid_refresh_token" | "refresh_token_reused" | "token_revoked" };

/**
 * Rotates a refresh token: the presented one is spent, a new access and refresh token are
 * issued with the user's current role. Presenting a spent token again is treated as theft
 * (RFC 9700 §4.14): the whole family is revoked. Spending is one conditional UPDATE, so of
 * concurrent refreshes with one token, on any number of instances, exactly one wins.
 */
export async function refreshApiTokens(db: Db, env: Env, presented: unknown): Promise<RefreshOutcome> {
  if (typeof presented !== "string" || !presented.startsWith(REFRESH_TOKEN_PREFIX) || presented.length > MAX_REFRESH_TOKEN_LENGTH) {
    return { ok: false, code: "invalid_refresh_token" };
  }
  const stored = await db.refreshToken.findUnique({
    where: { tokenHash: hashRefreshToken(presented) },
    select: {
      id: true,
      familyId: true,
      userId: true,
      expiresAt: true,
      spentAt: true,
      family: { select: { revokedAt: true, parent: { select: { revokedAt: true } } } },
      user: { select: { role: true, email: true, disabledAt: true } },
    },
  });
  if (!stored) return { ok: false, code: "invalid_refresh_token" };
  if (stored.spentAt) {
    await revokeFamilies(db, { ids: [stored.familyId] }, "refresh_token_reused");
    return { ok: false, code: "refresh_token_reused" };
  }
  if (stored.expiresAt.getTime() <= Date.now()) return { ok: false, code: "invalid_refresh_token" };
  if (stored.family.revokedAt || stored.family.parent?.revokedAt || stored.user.disabledAt) return { ok: false, code: "token_revoked" };

  const { count } = await db.refreshToken.updateMany({ where: { id: stored.id, spentAt: null }, data: { spentAt: new Date() } });
  if (count !== 1) {
    // Someone spent it between our read and our write: the same token was presented twice.
    await revokeFamilies(db, { ids: [stored.familyId] }, "refresh_token_reused");
    return { ok: false, code: "refresh_token_reused" };
  }
  return {
    ok: true,
    tokens: await issueTokenPair(db, env, { userId: stored.userId, role: stored.user.role, email: stored.user.email, familyId: stored.familyId }),
  };
}
