import { guardedRoute } from "@/lib/access/guarded-route";
import { getDb } from "@/lib/db";
import { getEnv } from "@/lib/config/env";
import { readLimitedBody } from "@/lib/http/body-limit";
import { revokeUserSessions } from "@/lib/admin/revoke-user-sessions";
import { parseSessionRevocationRequest } from "@/lib/admin/session-revocation-request";
import { userAdminContextOf } from "@/lib/admin/user-admin-context";
import { apiError } from "@/lib/errors/api-errors";
import { noStoreJson } from "@/lib/http/no-store";

/** Ends one session or API token of the user (`{ familyId }`), or all of them (no body): `{ revoked }`. */
export const POST = guardedRoute<{ id: string }>("/api/users/[id]/revoke-sessions", "POST", async (request, caller, { params }) => {
  const body = await readLimitedBody(request);
  if (!body.ok) return body.response;
  const parsed = parseSessionRevocationRequest(new TextDecoder().decode(body.bytes));
  if (!parsed.ok) return apiError("invalid_request", { message: parsed.message });
  const context = userAdminContextOf(request, caller, getEnv());
  const outcome = await revokeUserSessions(getDb(), (await params).id, parsed.familyId, context);
  return outcome.ok ? noStoreJson({ revoked: outcome.revoked }) : apiError(outcome.code);
});
