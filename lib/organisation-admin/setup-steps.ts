import "server-only";
import { Prisma } from "@prisma/client";
import { recordAuditEvent, type AuditEventInput } from "../audit/audit-events";
import type { Db } from "../db";
import type { Env } from "../config/env";
import { parseDomain } from "../organisations/domain-verification";
import { addConnection, changeConnection, type NewConnection } from "./connection-admin";
import { isUniqueViolation } from "../unique-violation";
import { addDomain, verifyDomain, type AdminOutcome } from "./organisation-admin";
import { setupLinkActor, type SetupLink } from "./setup-links";
import { SETUP_BLOCKER_MESSAGES, setupStatus } from "./setup-status";

type Request = AuditEventInput["request"];
type ConnectionEnv = Pick<Env, "nodeEnv" | "oidcHttpTimeoutMs" | "connectionSecretKey" | "connectionSecretPreviousKeys">;

/** The setup page's connection form: one email domain (its TXT record is shown next). */
export type SetupConnectionForm = Omit<NewConnection, "domains"> & { domain: string };

/** Claims kept for the page: the test's ID token claims, bounded (a hostile IdP's 1 MB claim is not stored). */
const MAX_CLAIMS_JSON_BYTES = 16 * 1024;

/**
 * Saves the holder's IdP settings: the connection is added switched off (it signs no one in
 * until activation) or, saved again, changed in place. Its domain joins the organisation's
 * claimed domains if new. Checked live like any connection (issuer, https, algorithms).
 */
export async function saveSetupConnection(db: Db, env: ConnectionEnv, link: SetupLink, form: SetupConnectionForm, request?: Request): Promise<AdminOutcome<{ connectionId: string }>> {
  const context = { actor: setupLinkActor(link.id), request };
  const parsed = parseDomain(form.domain);
  if (!parsed.ok) return { ok: false, code: "invalid_domain", message: parsed.message };
  const claimed = await db.organisationDomain.findUnique({ where: { organisationId_domain: { organisationId: link.organisationId, domain: parsed.domain } }, select: { id: true } });
  if (!claimed) {
    const added = await addDomain(db, link.organisationId, parsed.domain, context);
    if (!added.ok) return added;
  }
  const input = { ...form, domains: [parsed.domain] };
  if (link.connectionId) {
    const changed = await changeConnection(db, env, link.organisationId, link.connectionId, input, context);
    return changed.ok ? { ok: true, value: { connectionId: changed.value.id } } : changed;
  }
  const added = await addConnection(db, env, link.organisationId, { ...input, enabled: false }, context);
  if (!added.ok) return added;
  // Two saves at once from one link: the first one's connection is the link's, the other's goes.
  const attached = await db.setupLink.updateMany({ where: { id: link.id, connectionId: null }, data: { connectionId: added.value.id } });
  if (attached.count === 0) {
    await db.connection.delete({ where: { id: added.value.id } });
    return { ok: false, code: "setup_conflict", message: "the settings were saved from another window at the same time: reload the page" };
  }
  return { ok: true, value: { connectionId: added.value.id } };
}

/** Checks the TXT record of each of the link's connection's domains not verified yet. */
export async function checkSetupDomains(db: Db, env: Pick<Env, "dnsServers">, link: SetupLink, request?: Request): Promise<AdminOutcome<{ verified: string[]; unverified: { domain: string; code: string; message: string }[] }>> {
  if (!link.connectionId) return { ok: false, code: "connection_missing", message: SETUP_BLOCKER_MESSAGES.connection_missing };
  const domains = await db.organisationDomain.findMany({ where: { connections: { some: { connectionId: link.connectionId } }, verifiedAt: null }, select: { domain: true } });
  const verified: string[] = [];
  const unverified: { domain: string; code: string; message: string }[] = [];
  for (const { domain } of domains) {
    const outcome = await verifyDomain(db, env, link.organisationId, domain, { actor: setupLinkActor(link.id), request });
    if (!outcome.ok) unverified.push({ domain, code: outcome.code, message: outcome.message });
    else if (outcome.value.check.verified) verified.push(domain);
    else unverified.push({ domain, code: outcome.value.check.code, message: outcome.value.check.message });
  }
  return { ok: true, value: { verified, unverified } };
}

export type SetupTestResult =
  | { ok: true; subject: string; email: string | null; name: string | null; claims: Record<string, unknown>; connectionVersion: number }
  | { ok: false; code: string };

/**
 * Keeps what a test sign-in showed: who the IdP said the tester is and its ID token's
 * claims, with the connection's version it ran with (a later change outdates it); or the
 * code it was refused with. No user is created. On the audit trail, without the claims.
 */
export async function recordSetupTest(db: Db, link: SetupLink, result: SetupTestResult, request?: Request): Promise<void> {
  const now = new Date();
  const claimsJson = result.ok ? JSON.stringify(result.claims) : "";
  const claims = result.ok ? (Buffer.byteLength(claimsJson) <= MAX_CLAIMS_JSON_BYTES ? result.claims : { note: `the ID token's claims were ${Buffer.byteLength(claimsJson)} bytes: too many to keep` }) : null;
  await db.$transaction(async (tx) => {
    await tx.setupLink.update({
      where: { id: link.id },
      data: result.ok
        ? { testedAt: now, testedSubject: result.subject, testedEmail: result.email, testedName: result.name, testedClaims: claims as object, testedVersion: result.connectionVersion, testRefusal: null }
        : { testedAt: null, testedSubject: null, testedEmail: null, testedName: null, testedClaims: Prisma.DbNull, testedVersion: null, testRefusal: result.code },
    });
    const detail = result.ok ? { setupLinkId: link.id, connectionId: link.connectionId, outcome: "passed", subject: result.subject, email: result.email } : { setupLinkId: link.id, connectionId: link.connectionId, outcome: "refused", code: result.code };
    await recordAuditEvent(tx, { actor: setupLinkActor(link.id), action: "setup_test_sign_in", organisationId: link.organisationId, detail, request });
  });
}

class SetupRaceLost extends Error {}
const USED_MESSAGE = "this setup link was used already";

/**
 * Activates the link's connection: allowed only when setupStatus has nothing left in the
 * way, and only once (the link is used up in the same transaction). Makes the tester the
 * organisation's first admin: a user of the connection's account (the test's `sub`), who
 * then signs in as themselves. A settings change between the check and the commit refuses it.
 */
export async function activateSetup(db: Db, env: Env, link: SetupLink, request?: Request): Promise<AdminOutcome<{ connectionId: string; userId: string; slug: string }>> {
  const status = await setupStatus(db, env, link);
  const [blocker] = status.blockers;
  if (blocker) {
    // Activation moves the connection's version, so a second activation read after the first
    // committed sees the test as outdated: the real reason is that the link is used up.
    const current = await db.setupLink.findUnique({ where: { id: link.id }, select: { usedAt: true } });
    if (current?.usedAt) return { ok: false, code: "setup_link_used", message: USED_MESSAGE };
    return { ok: false, code: blocker, message: SETUP_BLOCKER_MESSAGES[blocker] };
  }
  const connection = status.connection!;
  const test = status.test!;
  const actor = setupLinkActor(link.id);
  try {
    const userId = await db.$transaction(async (tx) => {
      const now = new Date();
      const used = await tx.setupLink.updateMany({ where: { id: link.id, usedAt: null, expiresAt: { gt: now } }, data: { usedAt: now } });
      if (used.count === 0) throw new SetupRaceLost("setup_link_used");
      const enabled = await tx.connection.updateMany({ where: { id: connection.id, version: connection.version }, data: { enabled: true, version: { increment: 1 } } });
      if (enabled.count === 0) throw new SetupRaceLost("test_outdated");
      const user = await tx.user.create({
        data: {
          organisationId: link.organisationId,
          email: test.email,
          name: test.name,
          role: "admin",
          accounts: { create: { type: "oidc", provider: connection.id, providerAccountId: test.subject } },
        },
        select: { id: true },
      });
      await recordAuditEvent(tx, { actor, action: "role_changed", targetUserId: user.id, organisationId: link.organisationId, detail: { from: "viewer", to: "admin", source: "setup_link" }, request });
      await recordAuditEvent(tx, { actor, action: "connection_enabled", organisationId: link.organisationId, detail: { organisationId: link.organisationId, connectionId: connection.id, endedSignIns: 0 }, request });
      await recordAuditEvent(tx, { actor, action: "setup_completed", targetUserId: user.id, organisationId: link.organisationId, detail: { setupLinkId: link.id, connectionId: connection.id, firstAdminUserId: user.id }, request });
      return user.id;
    });
    return { ok: true, value: { connectionId: connection.id, userId, slug: link.organisation.slug } };
  } catch (error) {
    if (error instanceof SetupRaceLost) {
      const code = error.message as "setup_link_used" | "test_outdated";
      return { ok: false, code, message: code === "test_outdated" ? SETUP_BLOCKER_MESSAGES.test_outdated : USED_MESSAGE };
    }
    if (isUniqueViolation(error)) return { ok: false, code: "first_admin_exists", message: "the organisation already has a user with this email or this identity provider account: ask its admins, or the operator" };
    throw error;
  }
}
