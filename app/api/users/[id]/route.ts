import { guardedRoute } from "@/lib/access/guarded-route";
import { getDb } from "@/lib/db";
import { getEnv } from "@/lib/config/env";
import { readLimitedJson } from "@/lib/http/body-limit";
import { adminScopeOfCaller } from "@/lib/organisations/admin-scope";
import { changeUser } from "@/lib/admin/change-user";
import { userAdminContextOf } from "@/lib/admin/user-admin-context";
import { apiError } from "@/lib/errors/api-errors";
import { noStoreJson } from "@/lib/http/no-store";
import { parseUserChangeRequest } from "@/lib/admin/user-change-request";
import { findUserDetails } from "@/lib/admin/user-details";

/** The user, with their active sessions and API tokens; 404 also for another organisation's user. */
export const GET = guardedRoute<{ id: string }>("/api/users/[id]", "GET", async (_request, caller, { params }) => {
  const details = await findUserDetails(getDb(), adminScopeOfCaller(caller), (await params).id);
  if (!details) return apiError("not_found");
  return noStoreJson({ ...details.user, sessions: details.sessions, apiTokens: details.apiTokens });
});

/** `{ role?, disabled?, version }`: the changed user, or 400/404/409 with the rule that refused it. */
export const PATCH = guardedRoute<{ id: string }>("/api/users/[id]", "PATCH", async (request, caller, { params }) => {
  const body = await readLimitedJson(request);
  if (!body.ok) return body.response;
  const parsed = parseUserChangeRequest(body.value);
  if (!parsed.ok) return apiError("invalid_request", { message: parsed.message });
  const env = getEnv();
  const context = { ...userAdminContextOf(request, caller, env), idpRoleMapping: env.idpRoleMapping };
  const outcome = await changeUser(getDb(), (await params).id, parsed.change, context);
  if (!outcome.ok) return apiError(outcome.code, { message: outcome.code === "role_managed_by_idp" ? outcome.message : undefined });
  return noStoreJson(outcome.user);
});
