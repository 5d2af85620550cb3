/**
 * Where a page of the user list ends: the (createdAt, id) of its last row, the list's sort key
 * (newest first, the id breaking ties). The next page is the rows strictly after it, read from
 * the index, so page 500 costs what page 1 does. Opaque to clients (base64url), and validated
 * strictly when it comes back, since it is a query parameter anyone can write.
 */
export type UserListCursor = { createdAt: Date; id: string };

// Ids are cuids; the benchmark's seeded users have their own. Nothing else is ever a key here.
const ID = /^[A-Za-z0-9_-]{1,64}$/;
const MAX_CURSOR_LENGTH = 200;

export function encodeUserListCursor(cursor: UserListCursor): string {
  return Buffer.from(`${cursor.createdAt.getTime()}:${cursor.id}`, "utf8").toString("base64url");
}

/** The cursor, or null for anything that is not one this server wrote. */
export function decodeUserListCursor(encoded: string): UserListCursor | null {
  if (encoded.length === 0 || encoded.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(encoded)) return null;
  const decoded = Buffer.from(encoded, "base64url").toString("utf8");
  const match = /^(\d{1,15}):(.+)$/.exec(decoded);
  if (!match || !ID.test(match[2]!)) return null;
  const createdAt = new Date(Number(match[1]));
  if (Number.isNaN(createdAt.getTime())) return null;
  const cursor = { createdAt, id: match[2]! };
  // One spelling per cursor: base64url decoding forgives what we would never have written.
  return encodeUserListCursor(cursor) === encoded ? cursor : null;
}
