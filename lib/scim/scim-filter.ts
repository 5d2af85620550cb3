import { parse, type Filter } from "scim2-parse-filter";

export type FilterOutcome<Where> = { ok: true; where: Where | { AND: Where[] } | Record<string, never> } | { ok: false; detail: string };

/** How one attribute (its lower-case name) compares: the where-clause for a value, or why the value cannot be compared. */
export type FilterAttributes<Where> = Record<string, (value: unknown) => Where | string>;

const MAX_FILTER_LENGTH = 1024;

function comparison<Where>(filter: Filter, attributes: FilterAttributes<Where>): FilterOutcome<Where> {
  if (filter.op === "and") {
    const parts = filter.filters.map((part) => comparison(part, attributes));
    const refused = parts.find((part) => !part.ok);
    return refused ?? { ok: true, where: { AND: parts.map((part) => (part as { where: Where }).where) } };
  }
  if (filter.op !== "eq") return { ok: false, detail: `Only "eq" comparisons joined by "and" are supported (got "${filter.op}").` };
  const compare = Object.hasOwn(attributes, filter.attrPath.toLowerCase()) ? attributes[filter.attrPath.toLowerCase()] : undefined;
  if (!compare) return { ok: false, detail: `Filtering on "${filter.attrPath}" is not supported: use ${Object.keys(attributes).join(", ")}.` };
  const where = compare(filter.compValue);
  return typeof where === "string" ? { ok: false, detail: where } : { ok: true, where };
}

/**
 * A `filter` query parameter (RFC 7644 §3.4.2.2) as a where-clause: `eq` on the given
 * attributes (names case-insensitive, RFC 7643 §2.1), joined by `and`, which is what Okta and
 * Entra ID send. Parsed by scim2-parse-filter; anything else is refused with the reason (the
 * caller answers 400 invalidFilter).
 */
export function filterWhere<Where>(text: string | null, attributes: FilterAttributes<Where>): FilterOutcome<Where> {
  if (text === null || text.trim() === "") return { ok: true, where: {} };
  if (text.length > MAX_FILTER_LENGTH) return { ok: false, detail: `The filter is longer than ${MAX_FILTER_LENGTH} characters.` };
  let parsed: Filter;
  try {
    parsed = parse(text);
  } catch (error) {
    return { ok: false, detail: `The filter could not be parsed: ${error instanceof Error ? error.message : String(error)}` };
  }
  return comparison(parsed, attributes);
}
