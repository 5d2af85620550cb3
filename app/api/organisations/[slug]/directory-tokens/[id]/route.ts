import { guardedRoute } from "@/lib/access/guarded-route";
import { auditRequestOf } from "@/lib/audit/audit-request";
import { getDb } from "@/lib/db";
import { getEnv } from "@/lib/config/env";
import { apiError } from "@/lib/errors/api-errors";
import { noStoreJson } from "@/lib/http/no-store";
import { adminScopeOfCaller } from "@/lib/organisations/admin-scope";
import { revokeDirectoryToken } from "@/lib/organisation-admin/directory-tokens";
import { findOrganisation } from "@/lib/organisation-admin/organisation-views";

/** Revokes a directory token now: its next SCIM request is refused (every instance within 2 s). 404 outside the caller's scope. */
export const DELETE = guardedRoute<{ slug: string; id: string }>("/api/organisations/[slug]/directory-tokens/[id]", "DELETE", async (request, caller, { params }) => {
  const { slug, id } = await params;
  const organisation = await findOrganisation(getDb(), adminScopeOfCaller(caller), slug);
  if (!organisation) return apiError("not_found", { message: "No such organisation or directory token." });
  const revoked = await revokeDirectoryToken(getDb(), organisation.id, id, { actor: { userId: caller.identity.userId }, request: auditRequestOf(request, getEnv()) });
  if (!revoked.ok) return apiError("not_found", { message: "No such organisation or directory token." });
  return noStoreJson(revoked.value);
});
