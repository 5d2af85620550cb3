import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createDb } from "@/lib/db";
import { configureProcess } from "../support/process-configuration";
import { routeParams, type Organisation } from "../support/organisation-fixtures";
import { removeDirectories, scimRequest, twoDirectories } from "../support/scim-fixtures";
import { RUN } from "../support/user-fixtures";

await configureProcess("scim-groups");

const db = createDb(inject("databaseUrl"), inject("poolMax"));
const { setDirectoryGroupRole } = await import("@/lib/users/directory-group-roles");
const routes = {
  users: await import("@/app/scim/v2/Users/route"),
  groups: await import("@/app/scim/v2/Groups/route"),
  group: await import("@/app/scim/v2/Groups/[id]/route"),
};

let a: Organisation;
let b: Organisation;
let tokens: { a: string; b: string };

beforeAll(async () => {
  ({ a, b, tokens } = await twoDirectories(db, "scimg"));
});

afterAll(async () => {
  await removeDirectories(db, [a, b]);
  await db.$disconnect();
  const { getDb } = await import("@/lib/db");
  await getDb().$disconnect();
});

const scim = scimRequest;
const patchOp = (...Operations: object[]) => ({ schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], Operations });
async function provision(token: string, label: string) {
  const userName = `${label}-${RUN}@groups.test`;
  const response = await routes.users.POST(scim("/scim/v2/Users", token, "POST", { userName, emails: [{ value: userName, primary: true }] }), routeParams({}));
  expect(response.status).toBe(201);
  return ((await response.json()) as { id: string }).id;
}
const createGroup = async (token: string, displayName: string, members: string[] = []) =>
  routes.groups.POST(scim("/scim/v2/Groups", token, "POST", { schemas: ["urn:ietf:params:scim:schemas:core:2.0:Group"], displayName, members: members.map((value) => ({ value })) }), routeParams({}));
const patchGroup = (token: string, id: string, ...operations: object[]) => routes.group.PATCH(scim(`/scim/v2/Groups/${id}`, token, "PATCH", patchOp(...operations)), routeParams({ id }));
const roleOf = async (id: string) => (await db.user.findUniqueOrThrow({ where: { id } })).role;

describe("SCIM groups and the roles they give", () => {
  it("Entra ID's membership PATCHes (Add with a value array, Remove by a value filter) change the role the group maps to, on the record", async () => {
    const [ada, bea] = [await provision(tokens.a, "ada"), await provision(tokens.a, "bea")];
    expect(await setDirectoryGroupRole(db, a.id, "VSA Admins", "admin", "cli")).toMatchObject({ ok: true });
    const created = await createGroup(tokens.a, "VSA Admins");
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    expect((await patchGroup(tokens.a, id, { op: "Add", path: "members", value: [{ value: ada }, { value: bea }] })).status).toBe(200);
    expect([await roleOf(ada), await roleOf(bea)]).toEqual(["admin", "admin"]);
    expect((await patchGroup(tokens.a, id, { op: "Remove", path: `members[value eq "${bea}"]` })).status).toBe(200);
    expect([await roleOf(ada), await roleOf(bea)]).toEqual(["admin", "viewer"]);
    const events = await db.auditEvent.findMany({ where: { targetUserId: bea, action: "role_changed" }, orderBy: { createdAt: "asc" } });
    expect(events.map((event) => [event.detail, event.actor.startsWith("directory:")])).toEqual([
      [{ from: "viewer", to: "admin", source: "directory_group" }, true],
      [{ from: "admin", to: "viewer", source: "directory_group" }, true],
    ]);
    // Deleting the group: its members get what their other groups give (none: viewer).
    expect((await routes.group.DELETE(scim(`/scim/v2/Groups/${id}`, tokens.a, "DELETE"), routeParams({ id }))).status).toBe(204);
    expect(await roleOf(ada)).toBe("viewer");
  });

  it("Okta's lookup and full replace: displayName filter, PUT with members, excludedAttributes=members; the most privileged mapped group wins", async () => {
    const cy = await provision(tokens.a, "cy");
    await setDirectoryGroupRole(db, a.id, "Campaigns", "campaign_manager", "cli");
    const lookup = await routes.groups.GET(scim(`/scim/v2/Groups?filter=${encodeURIComponent('displayName eq "campaigns"')}`, tokens.a), routeParams({}));
    expect(await lookup.json()).toMatchObject({ totalResults: 0 });
    const { id } = (await (await createGroup(tokens.a, "Campaigns", [cy])).json()) as { id: string };
    expect(await roleOf(cy)).toBe("campaign_manager");
    const found = (await (await routes.groups.GET(scim(`/scim/v2/Groups?filter=${encodeURIComponent('displayName eq "CAMPAIGNS"')}&excludedAttributes=members`, tokens.a), routeParams({}))).json()) as { totalResults: number; Resources: object[] };
    expect(found.totalResults).toBe(1);
    expect(found.Resources[0]).not.toHaveProperty("members");
    const put = await routes.group.PUT(scim(`/scim/v2/Groups/${id}`, tokens.a, "PUT", { displayName: "Campaigns", members: [] }), routeParams({ id }));
    expect(put.status).toBe(200);
    expect(await roleOf(cy)).toBe("viewer");
    expect((await createGroup(tokens.a, "campaigns")).status).toBe(409);
  });

  it("never crosses organisations: B's directory does not see A's groups, and A's group cannot hold B's user", async () => {
    const [mine, theirs] = [await provision(tokens.a, "mine"), await provision(tokens.b, "theirs")];
    const { id } = (await (await createGroup(tokens.a, "Mixed", [mine, theirs])).json()) as { id: string };
    const group = (await (await routes.group.GET(scim(`/scim/v2/Groups/${id}`, tokens.a), routeParams({ id }))).json()) as { members: { value: string }[] };
    expect(group.members.map((member) => member.value)).toEqual([mine]);
    expect((await routes.group.GET(scim(`/scim/v2/Groups/${id}`, tokens.b), routeParams({ id }))).status).toBe(404);
    expect((await patchGroup(tokens.b, id, { op: "Add", path: "members", value: [{ value: theirs }] })).status).toBe(404);
    expect(await db.directoryGroupMember.count({ where: { groupId: id } })).toBe(1);
  });

  it("two membership PATCHes of one group at once both apply", async () => {
    const [x, y] = [await provision(tokens.a, "x"), await provision(tokens.a, "y")];
    const { id } = (await (await createGroup(tokens.a, "Concurrent")).json()) as { id: string };
    await Promise.all([patchGroup(tokens.a, id, { op: "add", path: "members", value: [{ value: x }] }), patchGroup(tokens.a, id, { op: "add", path: "members", value: [{ value: y }] })]);
    expect((await db.directoryGroupMember.findMany({ where: { groupId: id } })).map((member) => member.userId).sort()).toEqual([x, y].sort());
  });
});
