import { describe, expect, it } from "vitest";
import { scimPatch, type ScimPatchOperation } from "scim-patch";
import { scimUserInput, scimUserResource } from "@/lib/scim/scim-user-resource";

const BASE = "https://console.example.test";
const stored = {
  id: "u1",
  scimUserName: "pat@acme.test",
  scimExternalId: "00u1",
  scimAttributes: { name: { givenName: "Pat", familyName: "Acme" }, emails: [{ value: "pat@acme.test", type: "work", primary: true }], displayName: "Pat Acme" },
  disabledAt: null,
  createdAt: new Date("2026-12-01T00:00:00Z"),
  updatedAt: new Date("2026-12-02T00:00:00Z"),
  version: 3,
};

/** A PATCH as the service applies it: to the stored resource, then read as a PUT of the result. */
const patched = (operations: ScimPatchOperation[]) => scimUserInput(scimPatch(structuredClone(scimUserResource(stored, BASE)) as never, operations));

describe("SCIM User resources", () => {
  it("answers the stored resource with its id, meta and active, never a password", () => {
    const resource = scimUserResource(stored, BASE);
    expect(resource).toMatchObject({ id: "u1", userName: "pat@acme.test", externalId: "00u1", active: true, meta: { resourceType: "User", location: `${BASE}/scim/v2/Users/u1`, version: 'W/"3"' } });
    const input = scimUserInput({ schemas: [], userName: "x@acme.test", password: "hunter2", emails: [{ value: "X@acme.test" }] });
    expect(input.ok && JSON.stringify(input.user)).not.toContain("hunter2");
    expect(input).toMatchObject({ ok: true, user: { email: "x@acme.test", active: true } });
  });

  it("takes the primary email, else the work one, else the first; and a display name from name when none is given", () => {
    const input = scimUserInput({ userName: "a", emails: [{ value: "home@x.test", type: "home" }, { value: "work@x.test", type: "work" }], name: { givenName: "Ada", familyName: "L" } });
    expect(input).toMatchObject({ ok: true, user: { email: "work@x.test", displayName: "Ada L" } });
    expect(scimUserInput({ userName: "a", emails: [{ value: "a@x.test" }, { value: "b@x.test", primary: true }] })).toMatchObject({ ok: true, user: { email: "b@x.test" } });
  });

  it("refuses what is not a user, each for its own reason", () => {
    expect(scimUserInput([])).toMatchObject({ ok: false, scimType: "invalidSyntax" });
    expect(scimUserInput({ emails: [] })).toMatchObject({ ok: false, detail: expect.stringContaining("userName is required") });
    expect(scimUserInput({ userName: "a", active: "maybe" })).toMatchObject({ ok: false, detail: expect.stringContaining("active") });
    expect(scimUserInput({ userName: "a", emails: "a@x.test" })).toMatchObject({ ok: false, detail: expect.stringContaining("emails") });
    expect(scimUserInput({ userName: "a", emails: [{ value: "not an email" }] })).toMatchObject({ ok: false, scimType: "invalidValue" });
    expect(scimUserInput({ userName: "a", externalId: 7 })).toMatchObject({ ok: false, detail: expect.stringContaining("externalId") });
    expect(scimUserInput({ userName: "a", title: "x".repeat(17 * 1024) })).toMatchObject({ ok: false, detail: expect.stringContaining("16 KiB") });
  });

  describe("the PATCH shapes real directories send", () => {
    it("Okta: deactivation as a replace with no path", () => {
      expect(patched([{ op: "replace", value: { active: false } }])).toMatchObject({ ok: true, user: { active: false, userName: "pat@acme.test", email: "pat@acme.test" } });
    });

    it("Entra ID: capitalised ops, active as the string \"False\" and \"True\"", () => {
      expect(patched([{ op: "Replace", path: "active", value: "False" } as unknown as ScimPatchOperation])).toMatchObject({ ok: true, user: { active: false } });
      expect(patched([{ op: "Replace", path: "active", value: "True" } as unknown as ScimPatchOperation])).toMatchObject({ ok: true, user: { active: true } });
    });

    it("Entra ID: Add on emails[type eq \"work\"].value changes the email, and a name part in place", () => {
      expect(patched([{ op: "Add", path: 'emails[type eq "work"].value', value: "Pat.New@acme.test" } as unknown as ScimPatchOperation])).toMatchObject({ ok: true, user: { email: "pat.new@acme.test" } });
      const renamed = patched([{ op: "Replace", path: "name.familyName", value: "Renamed" } as unknown as ScimPatchOperation]);
      expect(renamed.ok && renamed.user.attributes.name).toEqual({ givenName: "Pat", familyName: "Renamed" });
    });

    it("Okta and Entra ID: a replace of userName with a path", () => {
      expect(patched([{ op: "replace", path: "userName", value: "pat.acme@acme.test" }])).toMatchObject({ ok: true, user: { userName: "pat.acme@acme.test" } });
    });
  });
});
