import { apiRoute } from "@/lib/api-route";
import type { NextRequest } from "next/server";
import { unauthorizedResponse } from "@/lib/auth/edge/errors";
import { requireUser } from "@/lib/auth/policy/guard";
import { getDb } from "@/lib/db";
import { findUserProfileCached } from "@/lib/users/cached-user-profile";

export const GET = apiRoute(async (request: NextRequest) => {
  const guard = await requireUser(request);
  if (!guard.ok) return guard.response;
  const profile = await findUserProfileCached(getDb(), guard.identity.userId);
  // A valid session for a user who no longer exists is no session.
  if (!profile) return unauthorizedResponse("invalid_token");
  return Response.json(profile, { headers: { "Cache-Control": "no-store" } });
});
