import { parse, type Filter } from "scim2-parse-filter";
import type { Prisma } from "@prisma/client";

export type UserFilterOutcome = { ok: true; where: Prisma.UserWhereInput } | { ok: false; detail: string };

const MAX_FILTER_LENGTH = 1024;

/** One comparison as a where-clause on the indexed columns; attribute names are case-insensitive (RFC 7643 §2.1). */
function comparison(filter: Filter): UserFilterOutcome {
  if (filter.op === "and") {
    const parts = filter.filters.map(comparison);
    const refused = parts.find((part) => !part.ok);
    return refused ?? { ok: true, where: { AND: parts.map((part) => (part as { where: Prisma.UserWhereInput }).where) } };
  }
  if (filter.op !== "eq") return { ok: false, detail: `Only "eq" comparisons joined by "and" are supported (got "${filter.op}").` };
  const { compValue } = filter;
  switch (filter.attrPath.toLowerCase()) {
    case "username":
      // userName is caseExact false (RFC 7643 §4.1.1): looked up by its lower case, as stored.
      return typeof compValue === "string" ? { ok: true, where: { scimUserNameLower: compValue.toLowerCase() } } : { ok: false, detail: "userName is compared with a string." };
    case "externalid":
      return typeof compValue === "string" ? { ok: true, where: { scimExternalId: compValue } } : { ok: false, detail: "externalId is compared with a string." };
    case "emails":
    case "emails.value":
      return typeof compValue === "string" ? { ok: true, where: { email: compValue.toLowerCase() } } : { ok: false, detail: "emails.value is compared with a string." };
    case "active":
      return typeof compValue === "boolean" ? { ok: true, where: { disabledAt: compValue ? null : { not: null } } } : { ok: false, detail: "active is compared with true or false." };
    default:
      return { ok: false, detail: `Filtering on "${filter.attrPath}" is not supported: use userName, externalId, emails.value or active.` };
  }
}

/**
 * A `filter` query parameter (RFC 7644 §3.4.2.2) as a where-clause on the organisation's
 * provisioned users: `eq` on userName, externalId, emails.value and active, joined by `and`:
 * what Okta and Entra ID send. Parsed by scim2-parse-filter; anything else is refused with
 * the reason (the caller answers 400 invalidFilter).
 */
export function userFilterWhere(text: string | null): UserFilterOutcome {
  if (text === null || text.trim() === "") return { ok: true, where: {} };
  if (text.length > MAX_FILTER_LENGTH) return { ok: false, detail: `The filter is longer than ${MAX_FILTER_LENGTH} characters.` };
  let parsed: Filter;
  try {
    parsed = parse(text);
  } catch (error) {
    return { ok: false, detail: `The filter could not be parsed: ${error instanceof Error ? error.message : String(error)}` };
  }
  return comparison(parsed);
}
