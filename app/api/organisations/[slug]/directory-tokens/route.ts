import { guardedRoute } from "@/lib/access/guarded-route";
import { auditRequestOf } from "@/lib/audit/audit-request";
import { getDb } from "@/lib/db";
import { getEnv } from "@/lib/config/env";
import { apiError } from "@/lib/errors/api-errors";
import { readLimitedJson } from "@/lib/http/body-limit";
import { noStoreJson } from "@/lib/http/no-store";
import { adminScopeOfCaller } from "@/lib/organisations/admin-scope";
import { createDirectoryToken, listDirectoryTokens } from "@/lib/organisation-admin/directory-tokens";
import { findOrganisation } from "@/lib/organisation-admin/organisation-views";

/** The organisation's directory tokens (never a token itself: name, dates, last use). 404 outside the caller's scope. */
export const GET = guardedRoute<{ slug: string }>("/api/organisations/[slug]/directory-tokens", "GET", async (_request, caller, { params }) => {
  const organisation = await findOrganisation(getDb(), adminScopeOfCaller(caller), (await params).slug);
  if (!organisation) return apiError("not_found", { message: "No such organisation." });
  return noStoreJson({ directoryTokens: await listDirectoryTokens(getDb(), organisation.id) });
});

/** `{ name? }`: a directory token for the organisation's SCIM provisioning, answered once with the SCIM base URL. */
export const POST = guardedRoute<{ slug: string }>("/api/organisations/[slug]/directory-tokens", "POST", async (request, caller, { params }) => {
  const body = await readLimitedJson(request);
  if (!body.ok) return body.response;
  const name = (body.value as { name?: unknown } | null)?.name;
  if (name !== undefined && typeof name !== "string") return apiError("invalid_request", { message: 'Send {} or { "name": "Entra ID provisioning" }.' });
  const organisation = await findOrganisation(getDb(), adminScopeOfCaller(caller), (await params).slug);
  if (!organisation) return apiError("not_found", { message: "No such organisation." });
  const env = getEnv();
  const created = await createDirectoryToken(getDb(), organisation.id, name ?? "SCIM provisioning", { actor: { userId: caller.identity.userId }, request: auditRequestOf(request, env) });
  if (!created.ok) return apiError("invalid_request", { message: `${created.message}.` });
  return noStoreJson({ id: created.value.id, token: created.value.token, scimBaseUrl: `${env.authUrl}/scim/v2` }, { status: 201 });
});
