import { describe, expect, it } from "vitest";
import { decodeUserListCursor, encodeUserListCursor } from "@/lib/admin/user-list-cursor";

describe("the user list's keyset cursor", () => {
  it("round-trips the last row's createdAt (to the millisecond) and id, opaquely", () => {
    const cursor = { createdAt: new Date("2026-11-28T09:41:07.123Z"), id: "cmi1abcdef0000xyz" };
    const encoded = encodeUserListCursor(cursor);
    expect(encoded).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(encoded).not.toContain(cursor.id);
    expect(decodeUserListCursor(encoded)).toEqual(cursor);
  });

  it("refuses anything this server did not write", () => {
    const valid = encodeUserListCursor({ createdAt: new Date(0), id: "abc" });
    const b64 = (text: string) => Buffer.from(text).toString("base64url");
    for (const bad of [
      "",
      "not base64!",
      b64("123"),
      b64("abc:def"),
      b64("-5:abc"),
      b64("1700000000000:"),
      b64("1700000000000:id with spaces"),
      b64("1700000000000:x'; DROP TABLE \"User\"; --"),
      b64(`1700000000000:${"a".repeat(65)}`),
      b64("99999999999999999:abc"),
      `${valid}=`,
      "A".repeat(201),
    ]) {
      expect(decodeUserListCursor(bad), bad).toBeNull();
    }
  });
});
