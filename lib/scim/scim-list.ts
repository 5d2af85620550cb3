import { SCIM_SCHEMAS } from "./scim-response";

const DEFAULT_PAGE = 100;
const MAX_PAGE = 200;

/**
 * A list answer (RFC 7644 §3.4.2): `startIndex` 1-based, `count` 100 by default and 200 at
 * most, rows in the query's stable order. A first page that is not full holds every match (the
 * lookups directories make before each create): its total needs no count query.
 */
export async function scimList<Row>(
  params: URLSearchParams,
  query: { find(skip: number, take: number): Promise<Row[]>; count(): Promise<number> },
  resource: (row: Row) => object,
) {
  const startIndex = Math.max(1, Number.parseInt(params.get("startIndex") ?? "1", 10) || 1);
  const asked = Number.parseInt(params.get("count") ?? String(DEFAULT_PAGE), 10);
  const count = Number.isFinite(asked) ? Math.min(MAX_PAGE, Math.max(0, asked)) : DEFAULT_PAGE;
  const rows = count === 0 ? [] : await query.find(startIndex - 1, count);
  const totalResults = startIndex === 1 && rows.length < count ? rows.length : await query.count();
  return { schemas: [SCIM_SCHEMAS.listResponse], totalResults, startIndex, itemsPerPage: rows.length, Resources: rows.map(resource) };
}
