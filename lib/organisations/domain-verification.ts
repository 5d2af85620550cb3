import { randomBytes } from "node:crypto";
import { Resolver } from "node:dns/promises";
import { isIP } from "node:net";
import { domainToASCII } from "node:url";

/**
 * Proving an organisation owns an email domain: the console shows a token, the organisation
 * publishes it in a TXT record at `_vsa-verification.<domain>`, and the check looks it up.
 * Lookups go to the resolvers given (a deployment's own, or a test's DNS server on loopback);
 * without any, to the system's.
 */

export const VERIFICATION_RECORD_LABEL = "_vsa-verification";

export type DomainCheck =
  | { verified: true }
  | { verified: false; code: "record_missing" | "token_mismatch" | "dns_unreachable"; message: string };

export function verificationRecordName(domain: string): string {
  return `${VERIFICATION_RECORD_LABEL}.${domain}`;
}

/** What the TXT record must hold: unguessable, so only whoever controls the zone can publish it. */
export function newVerificationToken(): string {
  return `vsa-domain-verification=${randomBytes(24).toString("base64url")}`;
}

/**
 * A domain as it is stored and compared: lower case, ASCII (an internationalised name in its
 * punycode form), no trailing dot. Refuses what cannot be an email domain of a company: an IP
 * address, a single label, a label or a name too long for DNS.
 */
export function parseDomain(input: string): { ok: true; domain: string } | { ok: false; message: string } {
  const trimmed = input.trim().replace(/\.$/, "");
  if (isIP(trimmed.replace(/^\[|\]$/g, ""))) return { ok: false, message: "must be a domain name, not an IP address" };
  const domain = domainToASCII(trimmed.toLowerCase());
  if (!domain) return { ok: false, message: `"${trimmed}" is not a valid domain name` };
  const labels = domain.split(".");
  if (labels.length < 2) return { ok: false, message: `"${domain}" has a single label: give the full domain, e.g. example.com` };
  if (domain.length > 253 || labels.some((label) => label.length === 0 || label.length > 63 || !/^[a-z0-9-]+$/.test(label) || label.startsWith("-") || label.endsWith("-"))) {
    return { ok: false, message: `"${domain}" is not a valid domain name` };
  }
  return { ok: true, domain };
}

const MISSING = new Set(["ENOTFOUND", "ENODATA", "NXDOMAIN"]);

/** Looks the record up and says whether one of its TXT values is the token. Never throws. */
export async function checkDomainVerification(domain: string, token: string, options: { servers?: string[]; timeoutMs: number }): Promise<DomainCheck> {
  const name = verificationRecordName(domain);
  const resolver = new Resolver({ timeout: options.timeoutMs, tries: 1 });
  if (options.servers && options.servers.length > 0) resolver.setServers(options.servers);
  let records: string[][];
  try {
    records = await resolver.resolveTxt(name);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "";
    if (MISSING.has(code)) return { verified: false, code: "record_missing", message: `no TXT record at ${name}: publish one holding the token, then check again (DNS changes can take minutes to appear)` };
    return { verified: false, code: "dns_unreachable", message: `the DNS lookup of ${name} failed (${code || "no answer"}): try again later` };
  }
  // A TXT value may come in several strings of up to 255 bytes each: they form one value.
  if (records.some((strings) => strings.join("") === token)) return { verified: true };
  return { verified: false, code: "token_mismatch", message: `${records.length} TXT record${records.length === 1 ? "" : "s"} at ${name}, none holding this domain's token: publish the token shown, exactly` };
}
