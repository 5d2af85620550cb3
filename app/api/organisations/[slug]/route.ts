import { guardedRoute } from "@/lib/access/guarded-route";
import { getDb } from "@/lib/db";
import { apiError } from "@/lib/errors/api-errors";
import { noStoreJson } from "@/lib/http/no-store";
import { adminScopeOfCaller } from "@/lib/organisations/admin-scope";
import { findOrganisation } from "@/lib/organisation-admin/organisation-views";

/** One organisation; 404 also for one outside the caller's scope (slugs of other organisations do not leak). */
export const GET = guardedRoute<{ slug: string }>("/api/organisations/[slug]", "GET", async (_request, caller, { params }) => {
  const organisation = await findOrganisation(getDb(), adminScopeOfCaller(caller), (await params).slug);
  if (!organisation) return apiError("not_found", { message: "No such organisation." });
  return noStoreJson(organisation);
});
