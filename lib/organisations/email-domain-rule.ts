import { parseDomain } from "./domain-verification";

/**
 * Which emails a connection may sign in: only those of the verified domains it was given,
 * exactly (a subdomain is a domain of its own, verified on its own). This is what stops an
 * identity provider of one organisation, rogue or misconfigured, from asserting an email of
 * another organisation's domain and signing in as one of its people. `email` is the one the
 * ID token vouches for (lib/oidc/verified-email.ts: null when it is not verified).
 */
export function emailDomainAllowed(email: string | null, allowedDomains: readonly string[]): EmailDomainVerdict {
  if (email === null) return { ok: false, code: "email_not_verified" };
  const domain = emailDomain(email);
  if (domain === null || !allowedDomains.includes(domain)) return { ok: false, code: "domain_not_allowed" };
  return { ok: true };
}

export type EmailDomainVerdict = { ok: true } | { ok: false; code: "email_not_verified" | "domain_not_allowed" };

/** The domain of an email as domains are stored (lowercase A-labels), or null when it has none that parses. */
export function emailDomain(email: string): string | null {
  const at = email.lastIndexOf("@");
  const domain = at > 0 ? parseDomain(email.slice(at + 1)) : null;
  return domain?.ok ? domain.domain : null;
}
