import "server-only";
import type { Db } from "../db";
import { inScope, type AdminScope } from "../organisations/admin-scope";

/** What an admin sees of an organisation: never a client secret, sealed or not. */
const ORGANISATION_VIEW = {
  id: true,
  slug: true,
  name: true,
  isOperator: true,
  createdAt: true,
  // The token is the organisation's to publish in its DNS (no secret from its own admins).
  domains: { select: { domain: true, verificationToken: true, verifiedAt: true, verifiedBy: true, lastCheckedAt: true, lastCheckOutcome: true }, orderBy: { domain: "asc" } },
  connections: {
    select: {
      id: true,
      displayName: true,
      issuer: true,
      clientId: true,
      scopes: true,
      roleClaim: true,
      enabled: true,
      version: true,
      lastSignInAt: true,
      lastRefusalAt: true,
      lastRefusalCode: true,
      domains: { select: { domain: { select: { domain: true } } } },
    },
    orderBy: { createdAt: "asc" },
  },
  _count: { select: { users: true } },
} as const;

function scopeWhere(scope: AdminScope) {
  const where = inScope(scope);
  return where.organisationId ? { id: where.organisationId } : {};
}

function view(organisation: Awaited<ReturnType<typeof findRows>>[number]) {
  const { _count, connections, ...rest } = organisation;
  return {
    ...rest,
    users: _count.users,
    connections: [
      // The operator organisation's environment connection (OIDC_ISSUER…): configured outside the database.
      ...(organisation.isOperator ? [{ id: "oidc", displayName: "OIDC_ISSUER (environment)", fromEnvironment: true as const }] : []),
      ...connections.map(({ domains, ...connection }) => ({ ...connection, domains: domains.map(({ domain }) => domain.domain) })),
    ],
  };
}

function findRows(db: Db, where: Record<string, unknown>) {
  return db.organisation.findMany({ where, select: ORGANISATION_VIEW, orderBy: [{ isOperator: "desc" }, { slug: "asc" }] });
}

export type OrganisationView = ReturnType<typeof view>;

/** The organisations an admin may see: all of them for the operator's, else their own. */
export async function listOrganisations(db: Db, scope: AdminScope): Promise<OrganisationView[]> {
  return (await findRows(db, scopeWhere(scope))).map(view);
}

/** One organisation by slug, or null when it does not exist or is not in the admin's scope (alike: 404). */
export async function findOrganisation(db: Db, scope: AdminScope, slug: string): Promise<OrganisationView | null> {
  const [row] = await findRows(db, { ...scopeWhere(scope), slug: slug.toLowerCase() });
  return row ? view(row) : null;
}
