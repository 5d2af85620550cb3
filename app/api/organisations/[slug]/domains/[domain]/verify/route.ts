import { guardedRoute } from "@/lib/access/guarded-route";
import { auditRequestOf } from "@/lib/audit/audit-request";
import { getDb } from "@/lib/db";
import { getEnv } from "@/lib/config/env";
import { apiError } from "@/lib/errors/api-errors";
import { noStoreJson } from "@/lib/http/no-store";
import { adminScopeOfCaller } from "@/lib/organisations/admin-scope";
import { adminRefusalResponse } from "@/lib/organisation-admin/admin-outcome-response";
import { verifyDomain } from "@/lib/organisation-admin/organisation-admin";
import { findOrganisation } from "@/lib/organisation-admin/organisation-views";

/**
 * Checks the domain's TXT record now: `{ domain, verified: true }`, or `verified: false` with
 * the check's code (record_missing, token_mismatch, dns_unreachable) and what to do. Marking a
 * domain verified without DNS is the operator's CLI (`verify-domain --mark`), not the API.
 */
export const POST = guardedRoute<{ slug: string; domain: string }>("/api/organisations/[slug]/domains/[domain]/verify", "POST", async (request, caller, { params }) => {
  const { slug, domain } = await params;
  const organisation = await findOrganisation(getDb(), adminScopeOfCaller(caller), slug);
  if (!organisation) return apiError("not_found", { message: "No such organisation." });
  const env = getEnv();
  const checked = await verifyDomain(getDb(), env, organisation.id, decodeURIComponent(domain), { actor: { userId: caller.identity.userId }, request: auditRequestOf(request, env) });
  if (!checked.ok) return adminRefusalResponse(checked);
  const { check } = checked.value;
  return noStoreJson(check.verified ? { domain: checked.value.domain, verified: true } : { domain: checked.value.domain, verified: false, code: check.code, message: check.message });
});
