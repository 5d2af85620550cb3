import "server-only";
import type { Db } from "../db";
import { ExpiringCache } from "../expiring-cache";
import { findUserProfile, type UserProfile } from "./find-user-profile";

/** How stale /api/auth/me may be: a renamed user or a changed role shows within this. */
export const PROFILE_CACHE_MS = 1000;
const PROFILE_CACHE_MAX_ENTRIES = 4096;

const profiles = new ExpiringCache<UserProfile | null>(PROFILE_CACHE_MAX_ENTRIES);

/** findUserProfile with a one-second, bounded cache: a busy API client costs one read a second. */
export async function findUserProfileCached(db: Db, userId: string, now = Date.now()): Promise<UserProfile | null> {
  const cached = profiles.get(userId, now);
  if (cached !== undefined) return cached;
  const profile = await findUserProfile(db, userId);
  profiles.set(userId, profile, now + PROFILE_CACHE_MS, now);
  return profile;
}
