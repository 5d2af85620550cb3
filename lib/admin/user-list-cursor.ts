/**
 * Where a page of the user list ends: the (createdAt, id) of its last row, the list's sort key
 * (newest first, the id breaking ties). The next page is the rows strictly after it, read from
 * the index, so page 500 costs what page 1 does. The audit trail pages on the same key, so both
 * share one opaque, strictly checked cursor format.
 */
export {
  type AuditCursor as UserListCursor,
  decodeAuditCursor as decodeUserListCursor,
  encodeAuditCursor as encodeUserListCursor,
} from "../audit/audit-cursor";
