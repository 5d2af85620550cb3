import { guardedRoute } from "@/lib/access/guarded-route";
import { auditRequestOf } from "@/lib/audit/audit-request";
import { getDb } from "@/lib/db";
import { getEnv } from "@/lib/config/env";
import { apiError } from "@/lib/errors/api-errors";
import { readLimitedJson } from "@/lib/http/body-limit";
import { noStoreJson } from "@/lib/http/no-store";
import { adminScopeOfCaller } from "@/lib/organisations/admin-scope";
import { changeConnection, setConnectionEnabled } from "@/lib/organisation-admin/connection-admin";
import { adminRefusalResponse } from "@/lib/organisation-admin/admin-outcome-response";
import { connectionFromRequest } from "@/lib/organisation-admin/connection-request";
import { findOrganisation } from "@/lib/organisation-admin/organisation-views";

/** `{ enabled: boolean, endSessions?: boolean }`: turns a connection off (ending its sessions if asked) or on; 404 outside the caller's scope. */
export const PATCH = guardedRoute<{ slug: string; id: string }>("/api/organisations/[slug]/connections/[id]", "PATCH", async (request, caller, { params }) => {
  const body = await readLimitedJson(request);
  if (!body.ok) return body.response;
  const change = body.value as { enabled?: unknown; endSessions?: unknown } | null;
  if (typeof change?.enabled !== "boolean" || (change.endSessions !== undefined && typeof change.endSessions !== "boolean")) {
    return apiError("invalid_request", { message: "Send { \"enabled\": true | false, \"endSessions\"?: true | false }." });
  }
  const { slug, id } = await params;
  const organisation = await findOrganisation(getDb(), adminScopeOfCaller(caller), slug);
  if (!organisation) return apiError("not_found", { message: "No such organisation or connection." });
  const context = { actor: { userId: caller.identity.userId }, request: auditRequestOf(request, getEnv()) };
  const outcome = await setConnectionEnabled(getDb(), organisation.id, id, change.enabled, { endSessions: change.endSessions === true }, context);
  if (!outcome.ok) return apiError("not_found", { message: "No such organisation or connection." });
  return noStoreJson(outcome.value);
});

/**
 * Replaces the connection's settings (the same body as adding one, the secret included: it is
 * sealed again and never answered), checked live; every instance uses them from the next
 * sign-in. 404 outside the caller's scope.
 */
export const PUT = guardedRoute<{ slug: string; id: string }>("/api/organisations/[slug]/connections/[id]", "PUT", async (request, caller, { params }) => {
  const body = await readLimitedJson(request);
  if (!body.ok) return body.response;
  const parsed = connectionFromRequest(body.value);
  if (!parsed.ok) return apiError("invalid_request", { message: parsed.message });
  const { slug, id } = await params;
  const organisation = await findOrganisation(getDb(), adminScopeOfCaller(caller), slug);
  if (!organisation) return apiError("not_found", { message: "No such organisation or connection." });
  const env = getEnv();
  const changed = await changeConnection(getDb(), env, organisation.id, id, parsed.connection, { actor: { userId: caller.identity.userId }, request: auditRequestOf(request, env) });
  if (!changed.ok) return adminRefusalResponse(changed);
  return noStoreJson(changed.value);
});
