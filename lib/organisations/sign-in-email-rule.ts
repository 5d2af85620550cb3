import "server-only";
import type { Db } from "../db";
import type { Connection } from "./connection";
import { emailDomain, emailDomainAllowed, type EmailDomainVerdict } from "./email-domain-rule";

/**
 * Whether `connection` may sign in the person whose verified email (or null) its IdP asserted.
 * A connection with allowed domains: only verified emails of exactly those. The environment's
 * connection: anyone, as before organisations existed, except an email of a domain another
 * organisation has verified: that domain's people sign in through their organisation only.
 */
export async function signInEmailAllowed(db: Db, connection: Connection, email: string | null): Promise<EmailDomainVerdict> {
  if (connection.allowedDomains !== null) return emailDomainAllowed(email, connection.allowedDomains);
  const domain = email === null ? null : emailDomain(email);
  if (domain === null) return { ok: true };
  const claimed = await db.organisationDomain.findFirst({
    where: { domain, verifiedAt: { not: null }, organisationId: { not: connection.organisationId } },
    select: { id: true },
  });
  return claimed ? { ok: false, code: "domain_not_allowed" } : { ok: true };
}
