import { describe, expect, it } from "vitest";
import { scimPatch, type ScimPatchOperation } from "scim-patch";
import { scimGroupInput, scimGroupResource } from "@/lib/scim/scim-group-resource";

const stored = { id: "g1", displayName: "VSA Admins", externalId: null, createdAt: new Date(0), updatedAt: new Date(0), version: 1, members: [{ userId: "u1" }, { userId: "u2" }] };
const patched = (operations: object[]) => scimGroupInput(scimPatch(structuredClone(scimGroupResource(stored, "https://c.test")) as never, operations as ScimPatchOperation[]));

describe("SCIM Group resources", () => {
  it("take members as user ids, once each, and answer them with their $ref; leave them out when asked", () => {
    expect(scimGroupInput({ displayName: " Admins ", members: [{ value: "u1" }, { value: "u1" }, { value: "u2" }] })).toEqual({ ok: true, group: { displayName: "Admins", externalId: null, memberIds: ["u1", "u2"] } });
    expect(scimGroupResource(stored, "https://c.test").members).toEqual([
      { value: "u1", $ref: "https://c.test/scim/v2/Users/u1", type: "User" },
      { value: "u2", $ref: "https://c.test/scim/v2/Users/u2", type: "User" },
    ]);
    expect(scimGroupResource(stored, "https://c.test", false)).not.toHaveProperty("members");
  });

  it("apply the membership PATCHes directories send", () => {
    expect(patched([{ op: "Add", path: "members", value: [{ value: "u3" }] }])).toMatchObject({ ok: true, group: { memberIds: ["u1", "u2", "u3"] } });
    expect(patched([{ op: "Remove", path: 'members[value eq "u1"]' }])).toMatchObject({ ok: true, group: { memberIds: ["u2"] } });
    expect(patched([{ op: "replace", path: "members", value: [{ value: "u9" }] }])).toMatchObject({ ok: true, group: { memberIds: ["u9"] } });
    expect(patched([{ op: "replace", path: "displayName", value: "Renamed" }])).toMatchObject({ ok: true, group: { displayName: "Renamed", memberIds: ["u1", "u2"] } });
  });

  it("refuse what is not a group, each for its own reason", () => {
    expect(scimGroupInput({ members: [] })).toMatchObject({ ok: false, detail: expect.stringContaining("displayName") });
    expect(scimGroupInput({ displayName: "A", members: [{ display: "no value" }] })).toMatchObject({ ok: false, detail: expect.stringContaining("members") });
    expect(scimGroupInput({ displayName: "A", externalId: 3 })).toMatchObject({ ok: false, detail: expect.stringContaining("externalId") });
    expect(scimGroupInput("A")).toMatchObject({ ok: false, scimType: "invalidSyntax" });
  });
});
