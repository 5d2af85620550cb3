import { unauthorizedResponse } from "@/lib/errors/api-errors";
import { guardedRoute } from "@/lib/access/guarded-route";
import { getDb } from "@/lib/db";
import { findUserProfileCached } from "@/lib/users/cached-user-profile";

export const GET = guardedRoute("/api/auth/me", "GET", async (_request, { identity }) => {
  const profile = await findUserProfileCached(getDb(), identity.userId);
  // A valid session for a user who no longer exists is no session.
  if (!profile) return unauthorizedResponse("invalid_token");
  return Response.json(profile, { headers: { "Cache-Control": "no-store" } });
});
