/** Where a page of the audit trail ended: the last event's time and id (newest first, id breaks ties). */
export type AuditCursor = { createdAt: Date; id: string };

// "<epoch milliseconds>:<event id>", base64url: opaque to callers, checked strictly on the way in.
const DECODED = /^(\d{1,15}):([A-Za-z0-9_-]{1,64})$/;
const ENCODED = /^[A-Za-z0-9_-]{4,120}$/;

export function encodeAuditCursor({ createdAt, id }: AuditCursor): string {
  return Buffer.from(`${createdAt.getTime()}:${id}`, "utf8").toString("base64url");
}

/** The cursor, or null for anything that is not exactly one encodeAuditCursor made. */
export function decodeAuditCursor(value: string): AuditCursor | null {
  if (!ENCODED.test(value)) return null;
  const decoded = Buffer.from(value, "base64url").toString("utf8");
  const match = DECODED.exec(decoded);
  if (!match) return null;
  const cursor = { createdAt: new Date(Number(match[1])), id: match[2]! };
  // Base64url decoding forgives stray bits; only the canonical spelling is one of ours.
  return Number.isFinite(cursor.createdAt.getTime()) && encodeAuditCursor(cursor) === value ? cursor : null;
}
