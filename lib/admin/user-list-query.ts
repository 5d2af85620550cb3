import { z } from "zod";
import { ROLES, type Role } from "../roles/roles";
import { decodeUserListCursor, type UserListCursor } from "./user-list-cursor";

export const USER_STATUSES = ["active", "disabled"] as const;
export type UserStatus = (typeof USER_STATUSES)[number];

export const DEFAULT_USER_PAGE_SIZE = 50;
export const MAX_USER_PAGE_SIZE = 200;
const MAX_SEARCH_LENGTH = 100;
const MAX_SLUG_LENGTH = 40;

export type UserListQuery = {
  /** A prefix of the email or the name, matched case-insensitively. */
  search?: string;
  role?: Role;
  status?: UserStatus;
  /** An organisation's slug: only its users (within the admin's scope: another's lists no one). */
  organisation?: string;
  /** The end of the previous page; none for the first. */
  after?: UserListCursor;
  limit: number;
};

export type UserListQueryParse = { ok: true; query: UserListQuery } | { ok: false; message: string };

const blankAsUnset = (value: unknown) => (typeof value === "string" && value.trim() === "" ? undefined : value);

const schema = z.object({
  q: z.preprocess(blankAsUnset, z.string().trim().max(MAX_SEARCH_LENGTH, `q must be at most ${MAX_SEARCH_LENGTH} characters`).optional()),
  role: z.preprocess(blankAsUnset, z.enum(ROLES, { error: `role must be one of ${ROLES.join(", ")}` }).optional()),
  status: z.preprocess(blankAsUnset, z.enum(USER_STATUSES, { error: `status must be one of ${USER_STATUSES.join(", ")}` }).optional()),
  organisation: z.preprocess(
    blankAsUnset,
    z.string().trim().toLowerCase().max(MAX_SLUG_LENGTH, `organisation (a slug) must be at most ${MAX_SLUG_LENGTH} characters`).optional(),
  ),
  cursor: z.preprocess(
    blankAsUnset,
    z
      .string()
      .transform((value, context) => {
        const cursor = decodeUserListCursor(value);
        if (!cursor) {
          context.addIssue({ code: "custom", message: "cursor is not one this server gave (use nextCursor from the previous page as it is)" });
          return z.NEVER;
        }
        return cursor;
      })
      .optional(),
  ),
  limit: z.preprocess(
    blankAsUnset,
    z.coerce
      .number({ error: "limit must be a number" })
      .int("limit must be a whole number")
      .min(1, "limit must be at least 1")
      .max(MAX_USER_PAGE_SIZE, `limit must be at most ${MAX_USER_PAGE_SIZE}`)
      .default(DEFAULT_USER_PAGE_SIZE),
  ),
});

/**
 * The user list's parameters (`q`, `role`, `status`, `organisation`, `cursor`, `limit`) from a
 * URL's query or a page's searchParams. A parameter given twice is refused rather than guessed at.
 */
export function parseUserListQuery(params: URLSearchParams | Record<string, string | string[] | undefined>): UserListQueryParse {
  const raw: Record<string, unknown> = {};
  for (const key of Object.keys(schema.shape)) {
    const values = params instanceof URLSearchParams ? params.getAll(key) : [params[key] ?? []].flat();
    if (values.length > 1) return { ok: false, message: `${key} is given more than once` };
    raw[key] = values[0];
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) return { ok: false, message: parsed.error.issues.map((issue) => issue.message).join("; ") };
  const { q, role, status, organisation, cursor, limit } = parsed.data;
  return { ok: true, query: { search: q, role, status, organisation, after: cursor, limit } };
}
