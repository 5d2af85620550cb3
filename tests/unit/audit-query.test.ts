import { describe, expect, it } from "vitest";
import { decodeAuditCursor, encodeAuditCursor } from "@/lib/audit/audit-cursor";
import { AUDIT_ACTIONS } from "@/lib/audit/audit-events";
import { AUDIT_PAGE_SIZE, AUDIT_QUERY_ERRORS, parseAuditQuery } from "@/lib/audit/audit-query";

const parse = (query: string) => parseAuditQuery(new URLSearchParams(query));

const BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/** The same bytes in base64url with the last character's unused low bit set (decoders ignore it). */
function otherSpellingOf(encoded: string): string {
  if (encoded.length % 4 === 0) throw new Error("no unused bits to set in this encoding");
  const last = BASE64URL.indexOf(encoded.at(-1)!);
  const spelled = `${encoded.slice(0, -1)}${BASE64URL[last | 1]}`;
  if (spelled === encoded || Buffer.from(spelled, "base64url").toString() !== Buffer.from(encoded, "base64url").toString()) throw new Error("not another spelling");
  return spelled;
}

describe("the audit cursor", () => {
  const cursor = { createdAt: new Date("2026-11-27T14:30:12.345Z"), id: "cmabc123def456" };

  it("round-trips an event's time (to the millisecond) and id, opaquely", () => {
    const encoded = encodeAuditCursor(cursor);
    expect(encoded).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(encoded).not.toContain(cursor.id);
    expect(decodeAuditCursor(encoded)).toEqual(cursor);
  });

  it.each([
    ["empty", ""],
    ["not base64url", "a+b/c=="],
    ["base64url of something else", Buffer.from("hello world").toString("base64url")],
    ["a time that is not a number", Buffer.from("soon:cmabc").toString("base64url")],
    ["an id with characters no id has", Buffer.from("1764253812345:cm'abc").toString("base64url")],
    ["no id", Buffer.from("1764253812345:").toString("base64url")],
    ["a negative time", Buffer.from("-1:cmabc").toString("base64url")],
    ["another spelling of a real cursor (its unused last bits set)", otherSpellingOf(encodeAuditCursor({ createdAt: new Date(0), id: "cmabc" }))],
    ["far too long", "A".repeat(500)],
  ])("refuses %s", (_, value) => {
    expect(decodeAuditCursor(value)).toBeNull();
  });
});

describe("parseAuditQuery", () => {
  it("has no filter and a default page size when nothing is asked; unfilled form fields count as absent", () => {
    expect(parse("")).toEqual({ ok: true, query: { limit: AUDIT_PAGE_SIZE } });
    expect(parse("user=&action=&from=&to=&cursor=&limit=")).toEqual({ ok: true, query: { limit: AUDIT_PAGE_SIZE } });
  });

  it("reads every filter", () => {
    const cursor = { createdAt: new Date("2026-11-27T10:00:00.000Z"), id: "cmxyz" };
    expect(parse(`user=cmuser1&action=sign_out&from=2026-11-01T08:00:00Z&to=2026-11-27T09:30:00%2B01:00&limit=10&cursor=${encodeAuditCursor(cursor)}`)).toEqual({
      ok: true,
      query: {
        user: "cmuser1",
        action: "sign_out",
        from: new Date("2026-11-01T08:00:00Z"),
        to: new Date("2026-11-27T08:30:00Z"),
        limit: 10,
        cursor,
      },
    });
  });

  it("accepts every recorded action", () => {
    for (const action of AUDIT_ACTIONS) expect(parse(`action=${action}`)).toMatchObject({ ok: true, query: { action } });
  });

  it("takes a date as a whole UTC day: from its start, to its end", () => {
    expect(parse("from=2026-11-27&to=2026-11-27")).toEqual({
      ok: true,
      query: { from: new Date("2026-11-27T00:00:00Z"), to: new Date("2026-11-28T00:00:00Z"), limit: AUDIT_PAGE_SIZE },
    });
  });

  it("lowercases an email (as users' emails are stored) but not an id", () => {
    expect(parse("user=%20Alice@Example.COM%20")).toMatchObject({ ok: true, query: { user: "alice@example.com" } });
    expect(parse("user=cmAbC")).toMatchObject({ ok: true, query: { user: "cmAbC" } });
  });

  it.each([
    ["action=sign_in", "invalid_action"],
    ["action=SIGN_OUT", "invalid_action"],
    ["from=yesterday", "invalid_date"],
    ["from=2026-02-30", "invalid_date"],
    ["to=2026-11-27T14:30", "invalid_date"],
    ["to=1764253812", "invalid_date"],
    ["from=2026-13-01T00:00:00Z", "invalid_date"],
    ["from=2026-11-28&to=2026-11-27", "invalid_time_range"],
    ["from=2026-11-27T10:00:00Z&to=2026-11-27T10:00:00Z", "invalid_time_range"],
    ["cursor=not-a-cursor", "invalid_cursor"],
    ["limit=0", "invalid_limit"],
    ["limit=101", "invalid_limit"],
    ["limit=ten", "invalid_limit"],
    ["limit=1.5", "invalid_limit"],
    [`user=${"a".repeat(321)}`, "invalid_user"],
  ])("refuses %s with %s and a message that says what is allowed", (query, code) => {
    const parsed = parse(query);
    expect(parsed).toEqual({ ok: false, code, message: AUDIT_QUERY_ERRORS[code as keyof typeof AUDIT_QUERY_ERRORS] });
  });

  it("never echoes what it refused", () => {
    const parsed = parse("action=<script>alert(1)</script>");
    expect(parsed.ok).toBe(false);
    expect(JSON.stringify(parsed)).not.toContain("<script>");
  });
});
