import { guardedRoute } from "@/lib/access/guarded-route";
import { auditRequestOf } from "@/lib/audit/audit-request";
import { getDb } from "@/lib/db";
import { getEnv } from "@/lib/config/env";
import { apiError } from "@/lib/errors/api-errors";
import { readLimitedJson } from "@/lib/http/body-limit";
import { noStoreJson } from "@/lib/http/no-store";
import { adminScopeOfCaller } from "@/lib/organisations/admin-scope";
import { addSignalStream, listSignalStreams } from "@/lib/organisation-admin/signal-streams";
import { findOrganisation } from "@/lib/organisation-admin/organisation-views";

/** The organisation's Shared Signals streams, each with the endpoint its transmitter pushes to. 404 outside the caller's scope. */
export const GET = guardedRoute<{ slug: string }>("/api/organisations/[slug]/signal-streams", "GET", async (_request, caller, { params }) => {
  const organisation = await findOrganisation(getDb(), adminScopeOfCaller(caller), (await params).slug);
  if (!organisation) return apiError("not_found", { message: "No such organisation." });
  return noStoreJson({ signalStreams: await listSignalStreams(getDb(), getEnv(), organisation.id) });
});

/** `{ connectionId, issuer, jwksUri, audience? }`: a stream from the connection's IdP's transmitter. */
export const POST = guardedRoute<{ slug: string }>("/api/organisations/[slug]/signal-streams", "POST", async (request, caller, { params }) => {
  const body = await readLimitedJson(request);
  if (!body.ok) return body.response;
  const input = body.value as Record<string, unknown> | null;
  const fields = ["connectionId", "issuer", "jwksUri"] as const;
  if (!input || typeof input !== "object" || fields.some((field) => typeof input[field] !== "string") || (input.audience !== undefined && typeof input.audience !== "string")) {
    return apiError("invalid_request", { message: 'Send { "connectionId": "…", "issuer": "https://transmitter…", "jwksUri": "https://…/jwks", "audience"?: "…" }.' });
  }
  const organisation = await findOrganisation(getDb(), adminScopeOfCaller(caller), (await params).slug);
  if (!organisation) return apiError("not_found", { message: "No such organisation." });
  const env = getEnv();
  const added = await addSignalStream(
    getDb(),
    env,
    organisation.id,
    { connectionId: input.connectionId as string, issuer: input.issuer as string, jwksUri: input.jwksUri as string, audience: input.audience as string | undefined },
    { actor: { userId: caller.identity.userId }, request: auditRequestOf(request, env) },
  );
  if (!added.ok) return apiError(added.code === "connection_not_found" ? "not_found" : "invalid_request", { message: `${added.message}.` });
  return noStoreJson(added.value, { status: 201 });
});
