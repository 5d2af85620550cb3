import { guardedRoute } from "@/lib/access/guarded-route";
import { auditRequestOf } from "@/lib/audit/audit-request";
import { getDb } from "@/lib/db";
import { getEnv } from "@/lib/config/env";
import { apiError } from "@/lib/errors/api-errors";
import { readLimitedJson } from "@/lib/http/body-limit";
import { noStoreJson } from "@/lib/http/no-store";
import { adminScopeOfCaller } from "@/lib/organisations/admin-scope";
import { adminRefusalResponse } from "@/lib/organisation-admin/admin-outcome-response";
import { addConnection } from "@/lib/organisation-admin/connection-admin";
import { connectionFromRequest } from "@/lib/organisation-admin/connection-request";
import { findOrganisation } from "@/lib/organisation-admin/organisation-views";

/**
 * A new connection, checked live against the IdP's discovery document; the secret is sealed at
 * once and never answered. `{ displayName, issuer, clientId, clientSecret, domains, scopes?,
 * roleClaim?, roleMap?, enabled? }`. 404 outside the caller's scope.
 */
export const POST = guardedRoute<{ slug: string }>("/api/organisations/[slug]/connections", "POST", async (request, caller, { params }) => {
  const body = await readLimitedJson(request);
  if (!body.ok) return body.response;
  const parsed = connectionFromRequest(body.value);
  if (!parsed.ok) return apiError("invalid_request", { message: parsed.message });
  const enabled = (body.value as { enabled?: unknown }).enabled;
  if (enabled !== undefined && typeof enabled !== "boolean") return apiError("invalid_request", { message: "enabled must be true or false." });
  const organisation = await findOrganisation(getDb(), adminScopeOfCaller(caller), (await params).slug);
  if (!organisation) return apiError("not_found", { message: "No such organisation." });
  const env = getEnv();
  const added = await addConnection(getDb(), env, organisation.id, { ...parsed.connection, enabled }, { actor: { userId: caller.identity.userId }, request: auditRequestOf(request, env) });
  if (!added.ok) return adminRefusalResponse(added);
  return noStoreJson({ ...added.value, enabled: enabled ?? true }, { status: 201 });
});
