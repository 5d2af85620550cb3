import { AUDIT_ACTIONS, type AuditAction } from "./audit-events";
import { decodeAuditCursor, type AuditCursor } from "./audit-cursor";

/** What /admin/audit and GET /api/audit may ask for: the same filters, one parser. */
export type AuditQuery = {
  /** A user id, an email, or an actor such as "system" or "cli": events by or about them. */
  user?: string;
  action?: AuditAction;
  /** Inclusive. */
  from?: Date;
  /** Exclusive. */
  to?: Date;
  /** Continue after this event (the previous page's nextCursor). */
  cursor?: AuditCursor;
  limit: number;
};

export const AUDIT_PAGE_SIZE = 50;
export const AUDIT_PAGE_SIZE_MAX = 100;

/** Why a query was refused (400 on the API, an alert on the page); stable codes. */
export const AUDIT_QUERY_ERRORS = {
  invalid_user: "user must be a user id or an email address of at most 320 characters.",
  invalid_action: `action must be one of: ${AUDIT_ACTIONS.join(", ")}.`,
  invalid_date: "from and to must be dates (2026-11-27) or times with a zone (2026-11-27T14:30:00Z).",
  invalid_time_range: "from must be before to.",
  invalid_cursor: "cursor must be a nextCursor this API returned.",
  invalid_limit: `limit must be a whole number from 1 to ${AUDIT_PAGE_SIZE_MAX}.`,
} as const;

export type AuditQueryErrorCode = keyof typeof AUDIT_QUERY_ERRORS;

export type AuditQueryParse = { ok: true; query: AuditQuery } | { ok: false; code: AuditQueryErrorCode; message: string };

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:\d{2})$/;
const DAY_MS = 86_400_000;

/**
 * A date is a whole UTC day: `from` starts with it and `to` ends with it (so from=to=that day
 * is that day); a time with a zone is that instant. Anything else, including a date that does
 * not exist (2026-02-30), is refused rather than guessed.
 */
function parseBound(value: string, bound: "from" | "to"): Date | null {
  if (DATE.test(value)) {
    const start = new Date(`${value}T00:00:00Z`);
    if (Number.isNaN(start.getTime()) || start.toISOString().slice(0, 10) !== value) return null;
    return bound === "from" ? start : new Date(start.getTime() + DAY_MS);
  }
  if (!DATE_TIME_WITH_ZONE.test(value)) return null;
  const instant = new Date(value);
  return Number.isNaN(instant.getTime()) ? null : instant;
}

const refuse = (code: AuditQueryErrorCode): AuditQueryParse => ({ ok: false, code, message: AUDIT_QUERY_ERRORS[code] });

/** Reads the filters from a query string; an empty parameter (an unfilled form field) counts as absent. */
export function parseAuditQuery(params: Pick<URLSearchParams, "get">): AuditQueryParse {
  const read = (name: string) => params.get(name)?.trim() || undefined;
  const query: AuditQuery = { limit: AUDIT_PAGE_SIZE };

  const user = read("user");
  if (user !== undefined) {
    if (user.length > 320) return refuse("invalid_user");
    // Emails are stored lowercased (upsert-user-from-oidc-profile.ts); ids are case-sensitive.
    query.user = user.includes("@") ? user.toLowerCase() : user;
  }
  const action = read("action");
  if (action !== undefined) {
    if (!(AUDIT_ACTIONS as readonly string[]).includes(action)) return refuse("invalid_action");
    query.action = action as AuditAction;
  }
  for (const bound of ["from", "to"] as const) {
    const value = read(bound);
    if (value === undefined) continue;
    const date = parseBound(value, bound);
    if (!date) return refuse("invalid_date");
    query[bound] = date;
  }
  if (query.from && query.to && query.from.getTime() >= query.to.getTime()) return refuse("invalid_time_range");
  const cursor = read("cursor");
  if (cursor !== undefined) {
    const decoded = decodeAuditCursor(cursor);
    if (!decoded) return refuse("invalid_cursor");
    query.cursor = decoded;
  }
  const limit = read("limit");
  if (limit !== undefined) {
    if (!/^\d{1,3}$/.test(limit) || Number(limit) < 1 || Number(limit) > AUDIT_PAGE_SIZE_MAX) return refuse("invalid_limit");
    query.limit = Number(limit);
  }
  return { ok: true, query };
}
