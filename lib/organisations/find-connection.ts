import "server-only";
import type { Db } from "../db";
import type { Env } from "../config/env";
import { parseRoleMap } from "../roles/idp-role-mapping";
import { sameIssuer } from "../oidc/identity-provider";
import { environmentConnection, type Connection } from "./connection";
import { openSecret, secretKeyRing, type SecretKeyRing } from "./connection-secrets";
import { ENVIRONMENT_CONNECTION_ID } from "./operator-organisation";

/** A connection added at run time cannot be used without CONNECTION_SECRET_KEY: its client secret is sealed with it. */
export class ConnectionSecretKeyMissingError extends Error {
  readonly code = "connection_secret_key_missing";
  constructor() {
    super("CONNECTION_SECRET_KEY is not set: the client secrets of connections added at run time cannot be sealed or opened. Set it to 32 random bytes in base64 (openssl rand -base64 32).");
    this.name = "ConnectionSecretKeyMissingError";
  }
}

let ring: { source: string; ring: SecretKeyRing } | undefined;

/** CONNECTION_SECRET_KEY and CONNECTION_SECRET_PREVIOUS_KEYS as a key ring (parsed once per value). */
export function connectionSecretRing(env: Pick<Env, "connectionSecretKey" | "connectionSecretPreviousKeys">): SecretKeyRing {
  if (!env.connectionSecretKey) throw new ConnectionSecretKeyMissingError();
  const source = [env.connectionSecretKey, ...env.connectionSecretPreviousKeys].join(",");
  if (ring?.source !== source) ring = { source, ring: secretKeyRing(env.connectionSecretKey, env.connectionSecretPreviousKeys) };
  return ring.ring;
}

type ConnectionRow = {
  id: string;
  organisationId: string;
  displayName: string;
  issuer: string;
  clientId: string;
  clientSecretSealed: string;
  scopes: string;
  roleClaim: string | null;
  roleMap: unknown;
  enabled: boolean;
  version: number;
  allowedDomains: string[];
};

function roleMapping(row: ConnectionRow): Connection["idpRoleMapping"] {
  if (!row.roleClaim || row.roleMap === null) return null;
  const parsed = parseRoleMap(JSON.stringify(row.roleMap));
  // Saved through the same parser: a row that no longer parses manages roles in the console rather than guessing.
  return parsed.ok ? { claim: row.roleClaim, roleMap: parsed.roleMap } : null;
}

/**
 * The connection with this id as it is now, disabled ones included (the caller refuses
 * them), or null. Read at every sign-in start and callback, one indexed query: a change made
 * on any instance applies to the next sign-in on every instance, with no cache to invalidate.
 * Its allowed domains are those given to it that are verified now.
 */
export async function findConnection(db: Db, env: Env, id: string): Promise<Connection | null> {
  if (id === ENVIRONMENT_CONNECTION_ID) return environmentConnection(env);
  const [row] = await db.$queryRaw<ConnectionRow[]>`
    SELECT c.id, c."organisationId", c."displayName", c.issuer, c."clientId", c."clientSecretSealed", c.scopes,
      c."roleClaim", c."roleMap", c.enabled, c.version,
      COALESCE(array_agg(d.domain ORDER BY d.domain) FILTER (WHERE d."verifiedAt" IS NOT NULL AND d."organisationId" = c."organisationId"), '{}') AS "allowedDomains"
    FROM "Connection" c
    LEFT JOIN "ConnectionDomain" cd ON cd."connectionId" = c.id
    LEFT JOIN "OrganisationDomain" d ON d.id = cd."domainId"
    WHERE c.id = ${id}
    GROUP BY c.id`;
  if (!row) return null;
  return {
    id: row.id,
    organisationId: row.organisationId,
    displayName: row.displayName,
    issuer: row.issuer,
    clientId: row.clientId,
    clientSecret: openSecret(row.clientSecretSealed, connectionSecretRing(env), row.id),
    scopes: row.scopes,
    idpRoleMapping: roleMapping(row),
    initialAdminEmails: [],
    allowedDomains: row.allowedDomains,
    enabled: row.enabled,
    version: row.version,
  };
}

/**
 * The connection an IdP's own token speaks for, by its issuer and audience (back-channel
 * logout: the logout token's `iss` picks the connection, its `aud` the client, since tenants
 * of one IdP may share an issuer). Disabled connections included: an IdP ending sessions is
 * always heard. Null when none matches.
 */
export async function findConnectionByIssuer(db: Db, env: Env, issuer: string, audience: readonly string[]): Promise<Connection | null> {
  const environment = environmentConnection(env);
  if (sameIssuer(environment.issuer, issuer) && audience.includes(environment.clientId)) return environment;
  const [row] = await db.connection.findMany({ where: { issuer, clientId: { in: [...audience] } }, select: { id: true }, take: 1 });
  return row ? findConnection(db, env, row.id) : null;
}

/**
 * The one connection whose IdP is `issuer` (a sign-in started at the IdP names only its
 * issuer): the environment's or one added at run time, enabled or not (the caller refuses a
 * disabled one). `ambiguous` when several clients of one issuer are connections here (Google
 * Workspace tenants share theirs): the person then starts from the sign-in page.
 */
export async function findConnectionIdByIssuer(db: Db, env: Env, issuer: string): Promise<{ id: string } | "ambiguous" | null> {
  const rows = await db.connection.findMany({ where: { issuer }, select: { id: true }, take: 2 });
  const environment = sameIssuer(env.oidcIssuer, issuer) ? [{ id: ENVIRONMENT_CONNECTION_ID }] : [];
  const all = [...environment, ...rows];
  if (all.length > 1) return "ambiguous";
  return all[0] ?? null;
}
