import { guardedRoute } from "@/lib/access/guarded-route";
import { auditRequestOf } from "@/lib/audit/audit-request";
import { getDb } from "@/lib/db";
import { getEnv } from "@/lib/config/env";
import { apiError } from "@/lib/errors/api-errors";
import { readLimitedJson } from "@/lib/http/body-limit";
import { noStoreJson } from "@/lib/http/no-store";
import { adminScopeOfCaller } from "@/lib/organisations/admin-scope";
import { findOrganisation } from "@/lib/organisation-admin/organisation-views";
import { createSetupLink } from "@/lib/organisation-admin/setup-links";

/**
 * `{ hours?: 1…168 }` (24 by default): a single-use setup link for the organisation's IT admin,
 * answered once (`url`; only its hash is kept). 404 outside the caller's scope.
 */
export const POST = guardedRoute<{ slug: string }>("/api/organisations/[slug]/setup-links", "POST", async (request, caller, { params }) => {
  const body = await readLimitedJson(request);
  if (!body.ok) return body.response;
  const hours = (body.value as { hours?: unknown } | null)?.hours;
  if (hours !== undefined && typeof hours !== "number") return apiError("invalid_request", { message: 'Send {} or { "hours": 1 to 168 }.' });
  const organisation = await findOrganisation(getDb(), adminScopeOfCaller(caller), (await params).slug);
  if (!organisation) return apiError("not_found", { message: "No such organisation." });
  const env = getEnv();
  const created = await createSetupLink(getDb(), env.authUrl, organisation.id, { hours }, { actor: { userId: caller.identity.userId }, request: auditRequestOf(request, env) });
  if (!created.ok) return apiError("invalid_request", { message: `${created.message}.` });
  return noStoreJson(created.value, { status: 201 });
});
