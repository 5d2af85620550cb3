import { guardedRoute } from "@/lib/access/guarded-route";
import { auditRequestOf } from "@/lib/audit/audit-request";
import { getDb } from "@/lib/db";
import { getEnv } from "@/lib/config/env";
import { apiError } from "@/lib/errors/api-errors";
import { readLimitedJson } from "@/lib/http/body-limit";
import { noStoreJson } from "@/lib/http/no-store";
import { adminScopeOfCaller } from "@/lib/organisations/admin-scope";
import { adminRefusalResponse } from "@/lib/organisation-admin/admin-outcome-response";
import { addDomain } from "@/lib/organisation-admin/organisation-admin";
import { findOrganisation } from "@/lib/organisation-admin/organisation-views";

/** `{ domain }`: the organisation claims it; answers the TXT record that proves it. 404 outside the caller's scope. */
export const POST = guardedRoute<{ slug: string }>("/api/organisations/[slug]/domains", "POST", async (request, caller, { params }) => {
  const body = await readLimitedJson(request);
  if (!body.ok) return body.response;
  const domain = (body.value as { domain?: unknown } | null)?.domain;
  if (typeof domain !== "string") return apiError("invalid_request", { message: 'Send { "domain": "example.com" }.' });
  const organisation = await findOrganisation(getDb(), adminScopeOfCaller(caller), (await params).slug);
  if (!organisation) return apiError("not_found", { message: "No such organisation." });
  const added = await addDomain(getDb(), organisation.id, domain, { actor: { userId: caller.identity.userId }, request: auditRequestOf(request, getEnv()) });
  if (!added.ok) return adminRefusalResponse(added);
  return noStoreJson({ domain: added.value.domain, recordName: added.value.recordName, recordType: "TXT", recordValue: added.value.token, verifiedAt: null }, { status: 201 });
});
