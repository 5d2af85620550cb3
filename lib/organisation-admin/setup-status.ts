import "server-only";
import type { Db } from "../db";
import type { Env } from "../config/env";
import { roleFromIdpClaims } from "../roles/idp-role-mapping";
import type { Role } from "../roles/roles";
import type { Connection } from "../organisations/connection";
import { verificationRecordName } from "../organisations/domain-verification";
import { findConnection } from "../organisations/find-connection";
import { signInEmailAllowed } from "../organisations/sign-in-email-rule";
import type { SetupLink } from "./setup-links";

/** What still stands between a setup link's connection and its activation: one code each, in the order the page's steps go. */
export type SetupBlocker = "connection_missing" | "domain_unverified" | "test_missing" | "test_refused" | "test_outdated" | "domain_not_allowed" | "email_not_verified" | "first_admin_not_admin";

export type SetupStatus = {
  connection: (Connection & { domains: { domain: string; recordName: string; token: string; verifiedAt: Date | null; lastCheckOutcome: string | null }[] }) | null;
  test: { subject: string; email: string | null; name: string | null; claims: Record<string, unknown>; at: Date; current: boolean } | null;
  /** The role the connection's mapping gives the tester now (no mapping: admin, as the first admin). */
  mappedRole: Role | null;
  blockers: SetupBlocker[];
};

/**
 * Where a setup link's work stands, read fresh: its connection (never the secret), its
 * domains and their TXT records, the last test sign-in and what the current settings would
 * make of it. The page shows it and activation is allowed by it alone, so the two never
 * disagree about whether the connection is ready.
 */
export async function setupStatus(db: Db, env: Env, link: SetupLink): Promise<SetupStatus> {
  const blockers: SetupBlocker[] = [];
  const found = link.connectionId ? await findConnection(db, env, link.connectionId) : null;
  if (!found) return { connection: null, test: null, mappedRole: null, blockers: ["connection_missing"] };
  const domainRows = await db.organisationDomain.findMany({
    where: { connections: { some: { connectionId: found.id } } },
    select: { domain: true, verificationToken: true, verifiedAt: true, lastCheckOutcome: true },
    orderBy: { domain: "asc" },
  });
  const connection = { ...found, domains: domainRows.map((row) => ({ domain: row.domain, recordName: verificationRecordName(row.domain), token: row.verificationToken, verifiedAt: row.verifiedAt, lastCheckOutcome: row.lastCheckOutcome })) };
  if (connection.domains.some((domain) => !domain.verifiedAt)) blockers.push("domain_unverified");

  if (!link.testedAt) return { connection, test: null, mappedRole: null, blockers: [...blockers, link.testRefusal ? "test_refused" : "test_missing"] };
  const claims = (link.testedClaims ?? {}) as Record<string, unknown>;
  const test = { subject: link.testedSubject!, email: link.testedEmail, name: link.testedName, claims, at: link.testedAt, current: link.testedVersion === connection.version };
  if (link.testRefusal) blockers.push("test_refused");
  else if (!test.current) blockers.push("test_outdated");
  const verdict = await signInEmailAllowed(db, connection, test.email);
  if (!verdict.ok) blockers.push(verdict.code);
  const mappedRole = connection.idpRoleMapping ? roleFromIdpClaims(claims, connection.idpRoleMapping) : "admin";
  // With roles from the IdP, every sign-in sets the role from the claims: a first admin the
  // mapping makes a viewer would lose admin at their first sign-in, leaving no admin at all.
  if (mappedRole !== "admin") blockers.push("first_admin_not_admin");
  return { connection, test, mappedRole, blockers };
}

/** What each blocker asks the holder to do (the page lists them; activation refuses with the first). */
export const SETUP_BLOCKER_MESSAGES: Record<SetupBlocker, string> = {
  connection_missing: "Save your identity provider's settings first.",
  domain_unverified: "Publish the TXT record and check the domain: the connection signs in only emails of verified domains.",
  test_missing: "Run a test sign-in: it proves the settings work before anyone depends on them.",
  test_refused: "The last test sign-in was refused: fix what it says and test again.",
  test_outdated: "The settings changed after the last test sign-in: test again.",
  domain_not_allowed: "The test sign-in's email is not of a verified domain this connection signs in: sign in with your work account, or add and verify its domain.",
  email_not_verified: "Your identity provider did not say the test sign-in's email is verified (email_verified): turn that on, then test again.",
  first_admin_not_admin: "The role mapping does not make you an admin: map one of your groups or roles to admin, or leave the role claim empty, and test again.",
};
