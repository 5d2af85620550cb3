import { apiError } from "@/lib/errors/api-errors";
import { guardedRoute } from "@/lib/access/guarded-route";
import { getDb } from "@/lib/db";
import { findUserProfileCached } from "@/lib/users/cached-user-profile";
import { noStoreJson } from "@/lib/http/no-store";

export const GET = guardedRoute("/api/auth/me", "GET", async (_request, { identity }) => {
  const profile = await findUserProfileCached(getDb(), identity.userId);
  // A valid session for a user who no longer exists is no session.
  if (!profile) return apiError("invalid_token");
  return noStoreJson(profile);
});
