import { guardedRoute } from "@/lib/access/guarded-route";
import { auditRequestOf } from "@/lib/audit/audit-request";
import { getEnv } from "@/lib/config/env";
import { apiError } from "@/lib/errors/api-errors";
import { readLimitedJson } from "@/lib/http/body-limit";
import { createOrganisation } from "@/lib/organisation-admin/organisation-admin";
import { getDb } from "@/lib/db";
import { noStoreJson } from "@/lib/http/no-store";
import { adminScopeOfCaller } from "@/lib/organisations/admin-scope";
import { listOrganisations } from "@/lib/organisation-admin/organisation-views";

/** The caller's organisation (every organisation for the operator's admins): domains, connections and their health, never a secret. */
export const GET = guardedRoute("/api/organisations", "GET", async (_request, caller) => {
  return noStoreJson({ organisations: await listOrganisations(getDb(), adminScopeOfCaller(caller)) });
});

/**
 * `{ slug, name }`: a new organisation (the operator organisation's admins only; anyone else
 * is answered as if the route were not there for them: 404). Next: a setup link for its IT admin.
 */
export const POST = guardedRoute("/api/organisations", "POST", async (request, caller) => {
  if (!("all" in adminScopeOfCaller(caller))) return apiError("not_found", { message: "No such route for this organisation's admins." });
  const body = await readLimitedJson(request);
  if (!body.ok) return body.response;
  const input = body.value as { slug?: unknown; name?: unknown } | null;
  if (typeof input?.slug !== "string" || typeof input.name !== "string") return apiError("invalid_request", { message: 'Send { "slug": "acme", "name": "Acme Ltd" }.' });
  const created = await createOrganisation(getDb(), { slug: input.slug, name: input.name }, { actor: { userId: caller.identity.userId }, request: auditRequestOf(request, getEnv()) });
  if (!created.ok) return created.code === "slug_taken" ? apiError("slug_taken") : apiError("invalid_request", { message: `${created.code}: ${created.message}.` });
  return noStoreJson(created.value, { status: 201 });
});
