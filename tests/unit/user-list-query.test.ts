import { describe, expect, it } from "vitest";
import { encodeUserListCursor } from "@/lib/admin/user-list-cursor";
import { parseUserListQuery } from "@/lib/admin/user-list-query";

describe("the user list's query parameters", () => {
  it("defaults to the first page of 50 with no filter", () => {
    expect(parseUserListQuery(new URLSearchParams())).toEqual({ ok: true, query: { limit: 50 } });
    expect(parseUserListQuery({ q: "  ", role: "", status: undefined })).toEqual({ ok: true, query: { limit: 50 } });
  });

  it("reads search, role, status, cursor and limit, from a URL or a page's searchParams", () => {
    const cursor = { createdAt: new Date("2026-11-28T10:00:00.000Z"), id: "u1" };
    const params = new URLSearchParams({ q: " Bob ", role: "campaign_manager", status: "disabled", cursor: encodeUserListCursor(cursor), limit: "200" });
    const expected = { ok: true, query: { search: "Bob", role: "campaign_manager", status: "disabled", after: cursor, limit: 200 } };
    expect(parseUserListQuery(params)).toEqual(expected);
    expect(parseUserListQuery(Object.fromEntries(params))).toEqual(expected);
  });

  it("reads an organisation's slug, in lower case", () => {
    expect(parseUserListQuery(new URLSearchParams({ organisation: " Acme " }))).toEqual({ ok: true, query: { organisation: "acme", limit: 50 } });
    expect(parseUserListQuery(new URLSearchParams({ organisation: "x".repeat(41) }))).toEqual({ ok: false, message: "organisation (a slug) must be at most 40 characters" });
  });

  it("refuses what it cannot use, saying why", () => {
    expect(parseUserListQuery(new URLSearchParams({ role: "root" }))).toEqual({ ok: false, message: "role must be one of admin, campaign_manager, viewer" });
    expect(parseUserListQuery(new URLSearchParams({ status: "deleted" }))).toEqual({ ok: false, message: "status must be one of active, disabled" });
    expect(parseUserListQuery(new URLSearchParams({ limit: "0" }))).toEqual({ ok: false, message: "limit must be at least 1" });
    expect(parseUserListQuery(new URLSearchParams({ limit: "201" }))).toEqual({ ok: false, message: "limit must be at most 200" });
    expect(parseUserListQuery(new URLSearchParams({ limit: "2.5" }))).toEqual({ ok: false, message: "limit must be a whole number" });
    expect(parseUserListQuery(new URLSearchParams({ limit: "ten" }))).toMatchObject({ ok: false });
    expect(parseUserListQuery(new URLSearchParams({ q: "x".repeat(101) }))).toEqual({ ok: false, message: "q must be at most 100 characters" });
    expect(parseUserListQuery(new URLSearchParams({ cursor: "garbage" }))).toEqual({ ok: false, message: "cursor is not one this server gave (use nextCursor from the previous page as it is)" });
    expect(parseUserListQuery(new URLSearchParams([["role", "admin"], ["role", "viewer"]]))).toEqual({ ok: false, message: "role is given more than once" });
    expect(parseUserListQuery({ q: ["a", "b"] })).toEqual({ ok: false, message: "q is given more than once" });
  });
});
