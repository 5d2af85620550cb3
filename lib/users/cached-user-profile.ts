import type { Db } from "../db";
import { findUserProfile, type UserProfile } from "./find-user-profile";

/** How stale /api/auth/me may be: a renamed user or a changed role shows within this. */
export const PROFILE_CACHE_MS = 1000;
const PROFILE_CACHE_MAX_ENTRIES = 4096;

const profiles = new Map<string, { profile: UserProfile | null; until: number }>();

/** findUserProfile with a one-second, bounded cache: a busy API client costs one read a second. */
export async function findUserProfileCached(db: Db, userId: string, now = Date.now()): Promise<UserProfile | null> {
  const cached = profiles.get(userId);
  if (cached && cached.until > now) return cached.profile;
  profiles.delete(userId);
  const profile = await findUserProfile(db, userId);
  if (profiles.size >= PROFILE_CACHE_MAX_ENTRIES) profiles.delete(profiles.keys().next().value!);
  profiles.set(userId, { profile, until: now + PROFILE_CACHE_MS });
  return profile;
}
