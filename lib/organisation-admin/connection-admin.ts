import "server-only";
import { randomUUID } from "node:crypto";
import { recordAuditEvent } from "../audit/audit-events";
import type { Db } from "../db";
import type { Env } from "../config/env";
import { parseRoleMap, isRoleClaimPath } from "../roles/idp-role-mapping";
import { revokeFamilies } from "../sessions/revocation";
import { clearFamilyStateCache } from "../sessions/token-families";
import { sealSecret } from "../organisations/connection-secrets";
import { parseDomain } from "../organisations/domain-verification";
import { connectionSecretRing, ConnectionSecretKeyMissingError } from "../organisations/find-connection";
import { checkIdpDiscovery } from "./idp-discovery-check";
import { isUniqueViolation, type AdminContext, type AdminOutcome } from "./organisation-admin";

export type NewConnection = {
  displayName: string;
  issuer: string;
  clientId: string;
  clientSecret: string;
  scopes?: string;
  roleClaim?: string;
  /** JSON from the IdP's values to roles, as OIDC_ROLE_MAP. */
  roleMap?: string;
  /** Which of the organisation's domains it signs in. */
  domains: string[];
};

const refused = (code: string, message: string) => ({ ok: false as const, code, message });

function validate(input: NewConnection) {
  const displayName = input.displayName.trim();
  if (displayName.length === 0 || displayName.length > 100) return refused("invalid_connection", "the display name is 1 to 100 characters");
  if (input.clientId.trim().length === 0 || input.clientId.length > 255) return refused("invalid_connection", "the client id is 1 to 255 characters");
  if (input.clientSecret.length === 0 || input.clientSecret.length > 1024) return refused("invalid_connection", "the client secret is 1 to 1024 characters");
  const scopes = (input.scopes ?? "openid email profile").trim().split(/\s+/).join(" ");
  if (!scopes.split(" ").includes("openid")) return refused("invalid_connection", 'the scopes must include "openid"');
  if (Boolean(input.roleClaim) !== Boolean(input.roleMap)) return refused("invalid_connection", "give the role claim and the role map together, or neither (roles are then managed in the console)");
  if (input.roleClaim && !isRoleClaimPath(input.roleClaim)) return refused("invalid_connection", 'the role claim is a claim name or a dotted path, e.g. "groups" or "realm_access.roles"');
  let roleMap: Record<string, string> | null = null;
  if (input.roleMap) {
    const parsed = parseRoleMap(input.roleMap);
    if (!parsed.ok) return refused("invalid_connection", `the role map ${parsed.message}`);
    roleMap = Object.fromEntries(parsed.roleMap);
  }
  const domains: string[] = [];
  for (const text of input.domains) {
    const domain = parseDomain(text);
    if (!domain.ok) return refused("invalid_domain", `${JSON.stringify(text)}: ${domain.message}`);
    domains.push(domain.domain);
  }
  if (domains.length === 0) return refused("invalid_connection", "give the connection at least one of the organisation's domains: it signs in only emails of those");
  return { ok: true as const, value: { displayName, scopes, roleMap, domains } };
}

/**
 * Adds a connection to an organisation, checked live first (checkIdpDiscovery). Its client
 * secret is sealed at once (CONNECTION_SECRET_KEY), bound to the new row's id, and never
 * answered back. Applies to the next sign-in on every instance: they read connections per
 * sign-in (find-connection.ts).
 */
export async function addConnection(
  db: Db,
  env: Pick<Env, "nodeEnv" | "oidcHttpTimeoutMs" | "connectionSecretKey" | "connectionSecretPreviousKeys">,
  organisationId: string,
  input: NewConnection,
  context: AdminContext,
): Promise<AdminOutcome<{ id: string; issuer: string; domains: string[] }>> {
  const valid = validate(input);
  if (!valid.ok) return valid;
  let ring;
  try {
    ring = connectionSecretRing(env);
  } catch (error) {
    if (error instanceof ConnectionSecretKeyMissingError) return refused(error.code, error.message);
    throw error;
  }
  const domainRows = await db.organisationDomain.findMany({ where: { organisationId, domain: { in: valid.value.domains } }, select: { id: true, domain: true } });
  const unknown = valid.value.domains.filter((domain) => !domainRows.some((row) => row.domain === domain));
  if (unknown.length > 0) return refused("domain_not_found", `add ${unknown.join(", ")} to the organisation first (and verify it): a connection signs in only the organisation's own domains`);
  const discovery = await checkIdpDiscovery(input.issuer.trim(), env);
  if (!discovery.ok) return refused("discovery_failed", `${input.issuer.trim()}: ${discovery.message}`);
  const id = randomUUID();
  try {
    await db.$transaction(async (tx) => {
      await tx.connection.create({
        data: {
          id,
          organisationId,
          displayName: valid.value.displayName,
          // Exactly as the IdP writes it: its tokens' iss must match it.
          issuer: discovery.issuer,
          clientId: input.clientId.trim(),
          clientSecretSealed: sealSecret(input.clientSecret, ring, id),
          scopes: valid.value.scopes,
          roleClaim: input.roleClaim ?? null,
          roleMap: valid.value.roleMap ?? undefined,
          domains: { create: domainRows.map((row) => ({ domainId: row.id })) },
        },
      });
      const detail = { organisationId, connectionId: id, issuer: discovery.issuer, clientId: input.clientId.trim(), domains: valid.value.domains };
      await recordAuditEvent(tx, { actor: context.actor, action: "connection_added", organisationId, detail, request: context.request });
    });
  } catch (error) {
    if (isUniqueViolation(error)) return refused("connection_exists", `a connection with the issuer ${discovery.issuer} and this client id already exists`);
    throw error;
  }
  return { ok: true, value: { id, issuer: discovery.issuer, domains: valid.value.domains } };
}

/**
 * Turns a connection off (its sign-ins are refused from the next request on, on every
 * instance) or on again. `endSessions` also ends every sign-in made through it, and the API
 * tokens made from them. Scoped to the organisation: another organisation's connection id is
 * connection_not_found.
 */
export async function setConnectionEnabled(
  db: Db,
  organisationId: string,
  connectionId: string,
  enabled: boolean,
  options: { endSessions?: boolean },
  context: AdminContext,
): Promise<AdminOutcome<{ id: string; enabled: boolean; endedSignIns: number }>> {
  const outcome = await db.$transaction(async (tx) => {
    const changed = await tx.connection.updateMany({ where: { id: connectionId, organisationId }, data: { enabled, version: { increment: 1 } } });
    if (changed.count === 0) return refused("connection_not_found", "no such connection in this organisation");
    const endedSignIns = !enabled && options.endSessions ? await revokeFamilies(tx, { ofConnection: connectionId }, "admin_revoked") : 0;
    await recordAuditEvent(tx, {
      actor: context.actor,
      action: enabled ? "connection_enabled" : "connection_disabled",
      organisationId,
      detail: { organisationId, connectionId, endedSignIns },
      request: context.request,
    });
    return { ok: true as const, value: { id: connectionId, enabled, endedSignIns } };
  });
  // Again after the commit: a verdict cached while the transaction ran would outlive it.
  clearFamilyStateCache();
  return outcome;
}
