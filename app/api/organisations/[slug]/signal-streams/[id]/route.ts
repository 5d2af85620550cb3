import { guardedRoute } from "@/lib/access/guarded-route";
import { auditRequestOf } from "@/lib/audit/audit-request";
import { getDb } from "@/lib/db";
import { getEnv } from "@/lib/config/env";
import { apiError } from "@/lib/errors/api-errors";
import { noStoreJson } from "@/lib/http/no-store";
import { adminScopeOfCaller } from "@/lib/organisations/admin-scope";
import { removeSignalStream } from "@/lib/organisation-admin/signal-streams";
import { findOrganisation } from "@/lib/organisation-admin/organisation-views";

/** Removes a stream: its endpoint refuses every SET from now on. 404 outside the caller's scope. */
export const DELETE = guardedRoute<{ slug: string; id: string }>("/api/organisations/[slug]/signal-streams/[id]", "DELETE", async (request, caller, { params }) => {
  const { slug, id } = await params;
  const organisation = await findOrganisation(getDb(), adminScopeOfCaller(caller), slug);
  if (!organisation) return apiError("not_found", { message: "No such organisation or stream." });
  const env = getEnv();
  const removed = await removeSignalStream(getDb(), env, organisation.id, id, { actor: { userId: caller.identity.userId }, request: auditRequestOf(request, env) });
  if (!removed.ok) return apiError("not_found", { message: "No such organisation or stream." });
  return noStoreJson(removed.value);
});
