import "server-only";
import { isUniqueViolation } from "../unique-violation";
import { recordAuditEvent, type AuditActor, type AuditEventInput } from "../audit/audit-events";
import type { Db } from "../db";
import type { Env } from "../config/env";
import { checkDomainVerification, newVerificationToken, parseDomain, verificationRecordName, type DomainCheck } from "../organisations/domain-verification";

/** What an organisation administration call answers: the result, or a stable code and what to do. */
export type AdminOutcome<T> = { ok: true; value: T } | { ok: false; code: string; message: string };

export type AdminContext = { actor: AuditActor; request?: AuditEventInput["request"] };

const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/;

export async function createOrganisation(db: Db, input: { slug: string; name: string }, context: AdminContext): Promise<AdminOutcome<{ id: string; slug: string }>> {
  const slug = input.slug.trim().toLowerCase();
  const name = input.name.trim();
  if (!SLUG.test(slug)) return { ok: false, code: "invalid_slug", message: "a slug is 1 to 40 lowercase letters, digits and inner hyphens, e.g. acme or acme-eu" };
  if (name.length === 0 || name.length > 200) return { ok: false, code: "invalid_name", message: "a name is 1 to 200 characters" };
  try {
    return await db.$transaction(async (tx) => {
      const organisation = await tx.organisation.create({ data: { slug, name }, select: { id: true, slug: true } });
      await recordAuditEvent(tx, { actor: context.actor, action: "organisation_created", organisationId: organisation.id, detail: { organisationId: organisation.id, slug, name }, request: context.request });
      return { ok: true as const, value: organisation };
    });
  } catch (error) {
    if (isUniqueViolation(error)) return { ok: false, code: "slug_taken", message: `the slug ${slug} is another organisation's` };
    throw error;
  }
}

export type DomainClaim = { id: string; domain: string; recordName: string; token: string; verifiedAt: Date | null };

/** An organisation claims a domain: the TXT record it must publish to prove it (the console shows it). */
export async function addDomain(db: Db, organisationId: string, input: string, context: AdminContext): Promise<AdminOutcome<DomainClaim>> {
  const parsed = parseDomain(input);
  if (!parsed.ok) return { ok: false, code: "invalid_domain", message: parsed.message };
  const token = newVerificationToken();
  try {
    return await db.$transaction(async (tx) => {
      const row = await tx.organisationDomain.create({ data: { organisationId, domain: parsed.domain, verificationToken: token }, select: { id: true, verifiedAt: true } });
      await recordAuditEvent(tx, { actor: context.actor, action: "domain_added", organisationId, detail: { organisationId, domain: parsed.domain }, request: context.request });
      return { ok: true as const, value: { id: row.id, domain: parsed.domain, recordName: verificationRecordName(parsed.domain), token, verifiedAt: row.verifiedAt } };
    });
  } catch (error) {
    if (isUniqueViolation(error)) return { ok: false, code: "domain_exists", message: `the organisation already has the domain ${parsed.domain}` };
    throw error;
  }
}

/**
 * Checks a claimed domain's TXT record now (on request: the console's "Check again", the CLI)
 * and records the outcome; `markedBy: "operator"` verifies it without DNS (the CLI's
 * verify-domain --mark, audited as such). A domain another organisation has verified stays
 * theirs (domain_taken).
 */
export async function verifyDomain(
  db: Db,
  env: Pick<Env, "dnsServers">,
  organisationId: string,
  domainInput: string,
  context: AdminContext & { markedBy?: "operator"; dnsTimeoutMs?: number },
): Promise<AdminOutcome<{ domain: string; check: DomainCheck }>> {
  const parsed = parseDomain(domainInput);
  if (!parsed.ok) return { ok: false, code: "invalid_domain", message: parsed.message };
  const row = await db.organisationDomain.findUnique({ where: { organisationId_domain: { organisationId, domain: parsed.domain } } });
  if (!row) return { ok: false, code: "domain_not_found", message: `the organisation has not added the domain ${parsed.domain}` };
  const check: DomainCheck = context.markedBy
    ? { verified: true }
    : await checkDomainVerification(row.domain, row.verificationToken, { servers: env.dnsServers, timeoutMs: context.dnsTimeoutMs ?? 3000 });
  const now = new Date();
  const verified = check.verified;
  const outcome = check.verified ? "verified" : check.code;
  try {
    await db.$transaction(async (tx) => {
      await tx.organisationDomain.update({
        where: { id: row.id },
        data: {
          lastCheckedAt: now,
          lastCheckOutcome: outcome,
          ...(verified && !row.verifiedAt ? { verifiedAt: now, verifiedBy: context.markedBy ?? "dns" } : {}),
        },
      });
      const detail = { organisationId, domain: row.domain, outcome, by: context.markedBy ?? "dns" };
      await recordAuditEvent(tx, { actor: context.actor, action: verified ? "domain_verified" : "domain_check_failed", organisationId, detail, request: context.request });
    });
  } catch (error) {
    if (isUniqueViolation(error)) return { ok: false, code: "domain_taken", message: `${row.domain} is verified by another organisation` };
    throw error;
  }
  return { ok: true, value: { domain: row.domain, check } };
}
