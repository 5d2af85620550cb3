import { describe, expect, it } from "vitest";
import { userFilterWhere } from "@/lib/scim/scim-user-filter";

describe("SCIM user filters (RFC 7644 §3.4.2.2) as where-clauses", () => {
  it("reads what Okta and Entra ID send: eq on userName (any case), externalId, emails.value and active, joined by and", () => {
    expect(userFilterWhere('userName eq "Pat@Acme.test"')).toEqual({ ok: true, where: { scimUserNameLower: "pat@acme.test" } });
    expect(userFilterWhere('USERNAME eq "x"')).toEqual({ ok: true, where: { scimUserNameLower: "x" } });
    expect(userFilterWhere('externalId eq "8b5f-Case"')).toEqual({ ok: true, where: { scimExternalId: "8b5f-Case" } });
    expect(userFilterWhere('emails.value eq "Pat@acme.test"')).toEqual({ ok: true, where: { email: "pat@acme.test" } });
    expect(userFilterWhere("active eq false")).toEqual({ ok: true, where: { disabledAt: { not: null } } });
    expect(userFilterWhere('userName eq "a" and active eq true')).toEqual({ ok: true, where: { AND: [{ scimUserNameLower: "a" }, { disabledAt: null }] } });
    expect(userFilterWhere(null)).toEqual({ ok: true, where: {} });
  });

  it("refuses, with the reason, what it does not support or cannot parse", () => {
    expect(userFilterWhere('userName co "a"')).toMatchObject({ ok: false, detail: expect.stringContaining('"eq"') });
    expect(userFilterWhere('userName eq "a" or userName eq "b"')).toMatchObject({ ok: false, detail: expect.stringContaining('"or"') });
    expect(userFilterWhere('title eq "CEO"')).toMatchObject({ ok: false, detail: expect.stringContaining("title") });
    expect(userFilterWhere("active eq 1")).toMatchObject({ ok: false, detail: expect.stringContaining("true or false") });
    expect(userFilterWhere('userName eq "unterminated')).toMatchObject({ ok: false, detail: expect.stringContaining("could not be parsed") });
    expect(userFilterWhere(`userName eq "${"a".repeat(2000)}"`)).toMatchObject({ ok: false, detail: expect.stringContaining("longer than") });
  });
});
