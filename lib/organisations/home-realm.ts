import "server-only";
import type { Db } from "../db";
import { emailDomain } from "./email-domain-rule";
import { ENVIRONMENT_CONNECTION_ID, OPERATOR_ORGANISATION_ID } from "./operator-organisation";

export type SignInChoice = { connectionId: string; displayName: string };
export type HomeRealm =
  /** The organisation whose verified domain the email has, and its enabled connections for that domain. */
  | { kind: "organisation"; organisation: { slug: string; name: string }; connections: SignInChoice[] }
  /** No organisation has verified the domain: the environment's connection (OIDC_ISSUER…), as before organisations. */
  | { kind: "environment" }
  /** No organisation signs this domain in, and the operator organisation proves its own domains. */
  | { kind: "unknown" };

/** Whether any organisation signs in through a connection of its own: the sign-in page then asks for the email first. */
export async function hasOrganisationConnections(db: Db): Promise<boolean> {
  return (await db.connection.findFirst({ where: { enabled: true }, select: { id: true } })) !== null;
}

/**
 * Home-realm discovery: where the person with this email signs in, by the email's verified
 * domain (one indexed lookup: a domain is verified by one organisation at most). The answer
 * depends on the domain only, never on who has signed in before, so it tells nobody which
 * users exist. A domain no organisation has verified goes to the environment's connection,
 * unless the operator organisation has verified domains of its own (it then signs in only
 * those, like any other organisation).
 */
export async function homeRealmOf(db: Db, email: string): Promise<HomeRealm> {
  const domain = emailDomain(email.trim().toLowerCase());
  if (domain === null) return { kind: "unknown" };
  const rows = await db.$queryRaw<{ organisationId: string; slug: string; name: string; connectionId: string | null; displayName: string | null }[]>`
    SELECT o.id AS "organisationId", o.slug, o.name, c.id AS "connectionId", c."displayName"
    FROM "OrganisationDomain" d
    JOIN "Organisation" o ON o.id = d."organisationId"
    LEFT JOIN "ConnectionDomain" cd ON cd."domainId" = d.id
    LEFT JOIN "Connection" c ON c.id = cd."connectionId" AND c.enabled
    WHERE d.domain = ${domain} AND d."verifiedAt" IS NOT NULL
    ORDER BY c."displayName", c.id`;
  const first = rows[0];
  if (first) {
    const connections = rows.filter((row) => row.connectionId !== null).map((row) => ({ connectionId: row.connectionId!, displayName: row.displayName! }));
    // The operator organisation's own domain: its environment connection signs it in too.
    if (first.organisationId === OPERATOR_ORGANISATION_ID) connections.unshift({ connectionId: ENVIRONMENT_CONNECTION_ID, displayName: "Your organisation's sign-in" });
    return { kind: "organisation", organisation: { slug: first.slug, name: first.name }, connections };
  }
  const operatorDomains = await db.organisationDomain.findFirst({ where: { organisationId: OPERATOR_ORGANISATION_ID, verifiedAt: { not: null } }, select: { id: true } });
  return operatorDomains ? { kind: "unknown" } : { kind: "environment" };
}

/** An organisation's enabled connections, by its slug (`/signin?org=SLUG`), or null for no such organisation. */
export async function signInChoicesOf(db: Db, slug: string): Promise<{ organisation: { slug: string; name: string }; connections: SignInChoice[] } | null> {
  const organisation = await db.organisation.findUnique({
    where: { slug: slug.toLowerCase() },
    select: { id: true, slug: true, name: true, connections: { where: { enabled: true }, select: { id: true, displayName: true }, orderBy: [{ displayName: "asc" }, { id: "asc" }] } },
  });
  if (!organisation) return null;
  const connections = organisation.connections.map((connection) => ({ connectionId: connection.id, displayName: connection.displayName }));
  if (organisation.id === OPERATOR_ORGANISATION_ID) connections.unshift({ connectionId: ENVIRONMENT_CONNECTION_ID, displayName: "Your organisation's sign-in" });
  return { organisation: { slug: organisation.slug, name: organisation.name }, connections };
}
