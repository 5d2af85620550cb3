import "server-only";
import { randomUUID } from "node:crypto";
import { Prisma } from "@prisma/client";
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
import { isUniqueViolation } from "../unique-violation";
import type { AdminContext, AdminOutcome } from "./organisation-admin";

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

type PreparedConnection = {
  valid: { displayName: string; scopes: string; roleMap: Record<string, string> | null; domains: string[] };
  ring: ReturnType<typeof connectionSecretRing>;
  domainRows: { id: string; domain: string }[];
  issuer: string;
};

/** Everything a connection's settings must pass before a row is written: the rules, the key, the domains, the IdP live. */
async function prepareConnection(
  db: Db,
  env: Pick<Env, "nodeEnv" | "oidcHttpTimeoutMs" | "connectionSecretKey" | "connectionSecretPreviousKeys">,
  organisationId: string,
  input: NewConnection,
): Promise<AdminOutcome<PreparedConnection>> {
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
  // Exactly as the IdP writes it: its tokens' iss must match it.
  return { ok: true, value: { valid: valid.value, ring, domainRows, issuer: discovery.issuer } };
}

/** The columns a connection's settings write (the secret sealed, bound to the row's id). */
function settingsColumns(id: string, input: NewConnection, prepared: PreparedConnection) {
  return {
    displayName: prepared.valid.displayName,
    issuer: prepared.issuer,
    clientId: input.clientId.trim(),
    clientSecretSealed: sealSecret(input.clientSecret, prepared.ring, id),
    scopes: prepared.valid.scopes,
    roleClaim: input.roleClaim || null,
    roleMap: prepared.valid.roleMap ?? Prisma.DbNull,
  };
}

const notFound = refused("connection_not_found", "no such connection in this organisation");
const exists = (issuer: string) => refused("connection_exists", `a connection with the issuer ${issuer} and this client id already exists`);

/**
 * Adds a connection to an organisation, checked live first (checkIdpDiscovery). Its client
 * secret is sealed at once (CONNECTION_SECRET_KEY), bound to the new row's id, and never
 * answered back. Applies to the next sign-in on every instance: they read connections per
 * sign-in (find-connection.ts). `enabled: false` adds it switched off (a setup link's, until
 * its test sign-in passes).
 */
export async function addConnection(
  db: Db,
  env: Pick<Env, "nodeEnv" | "oidcHttpTimeoutMs" | "connectionSecretKey" | "connectionSecretPreviousKeys">,
  organisationId: string,
  input: NewConnection & { enabled?: boolean },
  context: AdminContext,
): Promise<AdminOutcome<{ id: string; issuer: string; domains: string[] }>> {
  const prepared = await prepareConnection(db, env, organisationId, input);
  if (!prepared.ok) return prepared;
  const { issuer, domainRows, valid } = prepared.value;
  const id = randomUUID();
  try {
    await db.$transaction(async (tx) => {
      await tx.connection.create({
        data: { id, organisationId, ...settingsColumns(id, input, prepared.value), enabled: input.enabled ?? true, domains: { create: domainRows.map((row) => ({ domainId: row.id })) } },
      });
      const detail = { organisationId, connectionId: id, issuer, clientId: input.clientId.trim(), domains: valid.domains, enabled: input.enabled ?? true };
      await recordAuditEvent(tx, { actor: context.actor, action: "connection_added", organisationId, detail, request: context.request });
    });
  } catch (error) {
    if (isUniqueViolation(error)) return exists(issuer);
    throw error;
  }
  return { ok: true, value: { id, issuer, domains: valid.domains } };
}

/**
 * Replaces a connection's settings in place, checked as when it was added, its secret sealed
 * again (under today's key). Its version moves, so every instance's caches of the IdP start
 * afresh at its next sign-in. Scoped to the organisation (connection_not_found otherwise).
 */
export async function changeConnection(
  db: Db,
  env: Pick<Env, "nodeEnv" | "oidcHttpTimeoutMs" | "connectionSecretKey" | "connectionSecretPreviousKeys">,
  organisationId: string,
  connectionId: string,
  input: NewConnection,
  context: AdminContext,
): Promise<AdminOutcome<{ id: string; issuer: string; domains: string[]; version: number }>> {
  // First: a connection outside the organisation is unknown, whatever else the settings say.
  if (!(await db.connection.findFirst({ where: { id: connectionId, organisationId }, select: { id: true } }))) return notFound;
  const prepared = await prepareConnection(db, env, organisationId, input);
  if (!prepared.ok) return prepared;
  const { issuer, domainRows, valid } = prepared.value;
  try {
    return await db.$transaction(async (tx) => {
      const changed = await tx.connection.updateMany({ where: { id: connectionId, organisationId }, data: { ...settingsColumns(connectionId, input, prepared.value), version: { increment: 1 } } });
      if (changed.count === 0) return notFound;
      await tx.connectionDomain.deleteMany({ where: { connectionId } });
      await tx.connectionDomain.createMany({ data: domainRows.map((row) => ({ connectionId, domainId: row.id })) });
      const { version } = await tx.connection.findUniqueOrThrow({ where: { id: connectionId }, select: { version: true } });
      const detail = { organisationId, connectionId, issuer, clientId: input.clientId.trim(), domains: valid.domains, version };
      await recordAuditEvent(tx, { actor: context.actor, action: "connection_changed", organisationId, detail, request: context.request });
      return { ok: true as const, value: { id: connectionId, issuer, domains: valid.domains, version } };
    });
  } catch (error) {
    if (isUniqueViolation(error)) return exists(issuer);
    throw error;
  }
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
