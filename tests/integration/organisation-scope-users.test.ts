import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createDb } from "@/lib/db";
import { changeUser } from "@/lib/admin/change-user";
import { listUsers } from "@/lib/admin/list-users";
import { revokeUserSessions } from "@/lib/admin/revoke-user-sessions";
import { findAdminUser, findUserDetails } from "@/lib/admin/user-details";
import { EVERY_ORGANISATION, adminScopeOf } from "@/lib/organisations/admin-scope";
import { OPERATOR_ORGANISATION_ID } from "@/lib/organisations/operator-organisation";
import { configureProcess } from "../support/process-configuration";
import { apiRequest, memberOf, newOrganisation, routeParams, twoOrganisations, type Member } from "../support/organisation-fixtures";
import { RUN, browserSignIn, contextOfAdmin } from "../support/user-fixtures";

await configureProcess("organisation-scope-users");

const db = createDb(inject("databaseUrl"), inject("poolMax"));
const routes = {
  users: await import("@/app/api/users/route"),
  user: await import("@/app/api/users/[id]/route"),
  revoke: await import("@/app/api/users/[id]/revoke-sessions/route"),
};
let world: Awaited<ReturnType<typeof twoOrganisations>>;

beforeAll(async () => {
  world = await twoOrganisations(db);
});

afterAll(async () => {
  await db.$disconnect();
  const { getDb } = await import("@/lib/db");
  await getDb().$disconnect();
});

const list = async (token: string, query = "") => {
  const response = await routes.users.GET(apiRequest(`/api/users?q=scope${RUN}&limit=200${query}`, token), routeParams({}));
  expect(response.status).toBe(200);
  return ((await response.json()) as { users: { id: string; organisation: string }[] }).users;
};
const show = (token: string, id: string) => routes.user.GET(apiRequest(`/api/users/${id}`, token), routeParams({ id }));
const patch = (token: string, id: string, body: unknown) => routes.user.PATCH(apiRequest(`/api/users/${id}`, token, { method: "PATCH", body: JSON.stringify(body) }), routeParams({ id }));
const revoke = (token: string, id: string, familyId?: string) =>
  routes.revoke.POST(apiRequest(`/api/users/${id}/revoke-sessions`, token, { method: "POST", body: familyId ? JSON.stringify({ familyId }) : undefined }), routeParams({ id }));
const answerOf = async (response: Response) => ({ status: response.status, body: await response.json() });

/** What the database holds of a user, their sign-ins and the events about them: nothing of it may move. */
async function stateOf(user: Member) {
  return {
    user: await db.user.findUniqueOrThrow({ where: { id: user.id }, select: { role: true, disabledAt: true, version: true } }),
    families: await db.tokenFamily.findMany({ where: { userId: user.id }, select: { id: true, revokedAt: true }, orderBy: { id: "asc" } }),
    events: await db.auditEvent.count({ where: { targetUserId: user.id } }),
  };
}

describe("the users API within an organisation", () => {
  it("lists only the caller's organisation's users, each with its organisation; the operator's admin lists every organisation's and may filter by one", async () => {
    const { a, b, admins, viewers, tokens } = world;
    expect((await list(tokens.b)).map((user) => user.id).sort()).toEqual([admins.b.id, viewers.b.id].sort());
    expect((await list(tokens.b)).every((user) => user.organisation === b.slug)).toBe(true);
    // Another organisation's slug finds no one, as an unknown one does.
    expect(await list(tokens.b, `&organisation=${a.slug}`)).toEqual([]);
    expect(await list(tokens.b, `&organisation=no-such-${RUN}`)).toEqual([]);
    expect((await list(tokens.a)).map((user) => user.id).sort()).toEqual([admins.a.id, viewers.a.id].sort());

    const everyone = await list(tokens.operator);
    expect(everyone.map((user) => user.id)).toEqual(expect.arrayContaining([admins.a.id, viewers.a.id, admins.b.id, viewers.b.id, admins.operator.id]));
    expect(everyone.find((user) => user.id === viewers.b.id)?.organisation).toBe(b.slug);
    expect(everyone.find((user) => user.id === admins.operator.id)?.organisation).toBe("default");
    expect((await list(tokens.operator, `&organisation=${a.slug.toUpperCase()}`)).map((user) => user.id).sort()).toEqual([admins.a.id, viewers.a.id].sort());
  });

  it("answers another organisation's user id exactly as an unknown id (404 not_found) for reading, changing, disabling, enabling and revoking, and changes nothing", async () => {
    const { admins, viewers, sessionsOfViewerA, tokens } = world;
    const unknown = await answerOf(await show(tokens.b, "no-such-user"));
    expect(unknown).toEqual({ status: 404, body: { error: "not_found", message: expect.any(String) } });
    const before = await stateOf(viewers.a);
    const { version } = before.user;
    for (const target of [viewers.a, admins.a]) {
      expect(await answerOf(await show(tokens.b, target.id))).toEqual(unknown);
      expect(await answerOf(await patch(tokens.b, target.id, { role: "campaign_manager", version }))).toEqual(unknown);
      expect(await answerOf(await patch(tokens.b, target.id, { disabled: true, version }))).toEqual(unknown);
      expect(await answerOf(await revoke(tokens.b, target.id))).toEqual(unknown);
    }
    expect(await answerOf(await revoke(tokens.b, viewers.a.id, sessionsOfViewerA[0]))).toEqual(unknown);
    expect(await stateOf(viewers.a)).toEqual(before);

    // Disabled by the operator's admin: B's admin cannot enable them either.
    const disabled = await patch(tokens.operator, viewers.a.id, { disabled: true, version });
    expect(disabled.status).toBe(200);
    const whileDisabled = await stateOf(viewers.a);
    expect(await answerOf(await patch(tokens.b, viewers.a.id, { disabled: false, version: version + 1 }))).toEqual(unknown);
    expect(await stateOf(viewers.a)).toEqual(whileDisabled);
    expect((await patch(tokens.a, viewers.a.id, { disabled: false, version: version + 1 })).status).toBe(200);
  });

  it("lets the organisation's own admin and the operator's read, change and revoke, each change recorded as the target's organisation's", async () => {
    const { a, b, admins, viewers, tokens } = world;
    const user = await memberOf(db, a.id, "changed-a");
    const shown = await answerOf(await show(tokens.a, user.id));
    expect(shown).toMatchObject({ status: 200, body: { id: user.id, organisation: a.slug, sessions: [] } });
    expect(await answerOf(await patch(tokens.a, user.id, { role: "campaign_manager", version: user.version }))).toMatchObject({ status: 200, body: { role: "campaign_manager" } });
    expect(await answerOf(await patch(tokens.operator, user.id, { role: "viewer", version: user.version + 1 }))).toMatchObject({ status: 200, body: { role: "viewer" } });
    expect((await show(tokens.operator, viewers.b.id)).status).toBe(200);
    // Disabling (above) ended the viewer's sign-ins: two new ones, one ended by each admin.
    const [first] = [await browserSignIn(db, viewers.a.id), await browserSignIn(db, viewers.a.id)];
    expect(await answerOf(await revoke(tokens.a, viewers.a.id, first.id))).toEqual({ status: 200, body: { revoked: 1 } });
    expect(await answerOf(await revoke(tokens.operator, viewers.a.id))).toEqual({ status: 200, body: { revoked: 1 } });
    const events = await db.auditEvent.findMany({ where: { targetUserId: { in: [user.id, viewers.a.id] } }, select: { actor: true, action: true, organisationId: true } });
    expect(events.length).toBeGreaterThanOrEqual(5);
    expect(new Set(events.map((event) => event.organisationId))).toEqual(new Set([a.id]));
    expect(events.filter((event) => event.actor === admins.operator.id).length).toBeGreaterThan(0);
    expect(await db.auditEvent.count({ where: { targetUserId: viewers.b.id, organisationId: { not: b.id } } })).toBe(0);
  });
});

describe("each organisation keeps an active admin", () => {
  it("counts the admins of the target's organisation only: the last one stays, whoever asks and however many admins other organisations have", async () => {
    const { tokens } = world;
    const c = await newOrganisation(db, "org-c");
    const only = await memberOf(db, c.id, "admin-c", "admin");
    expect(await answerOf(await patch(tokens.operator, only.id, { role: "viewer", version: only.version }))).toMatchObject({ status: 409, body: { error: "last_admin" } });
    expect(await answerOf(await patch(tokens.operator, only.id, { disabled: true, version: only.version }))).toMatchObject({ status: 409, body: { error: "last_admin" } });
    const second = await memberOf(db, c.id, "second-admin-c", "admin");
    expect((await patch(tokens.operator, only.id, { role: "viewer", version: only.version })).status).toBe(200);
    expect(await changeUser(db, second.id, { disabled: true, version: second.version }, { ...contextOfAdmin(second), idpRoleMapping: null })).toEqual({ ok: false, code: "last_admin" });
    // B's last admin demoting themselves: refused too, though A, C and the operator have admins.
    const { admins } = world;
    expect(await answerOf(await patch(tokens.b, admins.b.id, { role: "viewer", version: admins.b.version }))).toMatchObject({ status: 409, body: { error: "last_admin" } });
  });
});

describe("the administration functions the pages and the CLI call, by scope", () => {
  it("find, list, change and revoke only within the scope: another organisation's user is not found", async () => {
    const { a, b, admins, viewers } = world;
    const [scopeA, scopeB] = [adminScopeOf(a.id), adminScopeOf(b.id)];
    expect(adminScopeOf(OPERATOR_ORGANISATION_ID)).toEqual(EVERY_ORGANISATION);
    expect(await findAdminUser(db, scopeB, viewers.a.id)).toBeNull();
    expect(await findUserDetails(db, scopeB, viewers.a.id)).toBeNull();
    expect((await findUserDetails(db, scopeA, viewers.a.id))?.user).toMatchObject({ id: viewers.a.id, organisation: a.slug });
    expect((await findAdminUser(db, EVERY_ORGANISATION, viewers.a.id))?.organisation).toBe(a.slug);
    const listed = (scope: typeof scopeA, organisation?: string) => listUsers(db, scope, { search: `scope${RUN}`, organisation, limit: 200 }).then((page) => page.users.map((user) => user.id));
    expect(await listed(scopeB)).not.toContain(viewers.a.id);
    expect(await listed(scopeB, a.slug)).toEqual([]);
    expect(await listed(EVERY_ORGANISATION, b.slug)).toEqual(expect.arrayContaining([admins.b.id, viewers.b.id]));

    const before = await stateOf(viewers.a);
    const contextB = { ...contextOfAdmin(admins.b), idpRoleMapping: null };
    expect(await changeUser(db, viewers.a.id, { role: "admin", version: before.user.version }, contextB)).toEqual({ ok: false, code: "not_found" });
    expect(await revokeUserSessions(db, viewers.a.id, undefined, contextB)).toEqual({ ok: false, code: "not_found" });
    expect(await stateOf(viewers.a)).toEqual(before);
    const contextA = { ...contextOfAdmin(admins.a), idpRoleMapping: null };
    expect(await changeUser(db, viewers.a.id, { role: "campaign_manager", version: before.user.version }, contextA)).toMatchObject({ ok: true, user: { role: "campaign_manager" } });
  });
});
