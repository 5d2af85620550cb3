import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { recordAuditEvent } from "@/lib/audit/audit-events";
import { parseAuditQuery } from "@/lib/audit/audit-query";
import { listAuditEvents } from "@/lib/audit/list-audit-events";
import { createDb } from "@/lib/db";
import { adminScopeOf } from "@/lib/organisations/admin-scope";
import { apiRequest, routeParams, twoOrganisations } from "../support/organisation-fixtures";
import { configureProcess } from "../support/process-configuration";
import { RUN, contextOfAdmin } from "../support/user-fixtures";

await configureProcess("organisation-scope-audit");

const db = createDb(inject("databaseUrl"), inject("poolMax"));
const { GET } = await import("@/app/api/audit/route");
const { changeUser } = await import("@/lib/admin/change-user");
let world: Awaited<ReturnType<typeof twoOrganisations>>;
/** An event of no organisation (a refusal before any IdP asserted anyone), by an actor of its own. */
const NOBODY = `nobody-${RUN}`;

beforeAll(async () => {
  world = await twoOrganisations(db);
  const { admins, viewers } = world;
  // The operator's admin changes one of A's users: A's event, by someone outside A.
  await changeUser(db, viewers.a.id, { role: "campaign_manager", version: viewers.a.version }, { ...contextOfAdmin(admins.operator), idpRoleMapping: null });
  await changeUser(db, viewers.b.id, { role: "campaign_manager", version: viewers.b.version }, { ...contextOfAdmin(admins.b), idpRoleMapping: null });
  await recordAuditEvent(db, { actor: { userId: NOBODY }, action: "sign_in_refused", organisationId: null, detail: { code: "state_mismatch" } });
});

afterAll(async () => {
  await db.$disconnect();
  const { getDb } = await import("@/lib/db");
  await getDb().$disconnect();
});

type EventView = { id: string; action: string; actor: string; actorEmail: string | null; targetUserId: string | null; targetEmail: string | null };
async function auditOf(token: string, query: string): Promise<EventView[]> {
  const response = await GET(apiRequest(`/api/audit?limit=100&${query}`, token), routeParams({}));
  expect(response.status).toBe(200);
  return ((await response.json()) as { events: EventView[] }).events;
}

describe("the audit trail within an organisation", () => {
  it("shows an organisation's admin its own organisation's events only, whatever the filter names", async () => {
    const { a, b, admins, viewers, tokens } = world;
    const seenByB = await auditOf(tokens.b, "");
    const ofB = new Set((await db.auditEvent.findMany({ where: { organisationId: b.id }, select: { id: true } })).map((event) => event.id));
    expect(seenByB.length).toBeGreaterThanOrEqual(2);
    expect(seenByB.filter((event) => !ofB.has(event.id))).toEqual([]);
    expect(seenByB.map((event) => event.action)).toEqual(expect.arrayContaining(["api_token_minted", "role_changed"]));
    for (const user of [viewers.a.id, viewers.a.email, admins.a.id, admins.a.email, admins.operator.id, NOBODY]) expect(await auditOf(tokens.b, `user=${encodeURIComponent(user)}`), user).toEqual([]);
    expect(await auditOf(tokens.a, `user=${NOBODY}`)).toEqual([]);
    expect((await db.auditEvent.findMany({ where: { targetUserId: viewers.a.id }, select: { organisationId: true } })).map((event) => event.organisationId)).toEqual([a.id]);
  });

  it("shows A's admin A's events, also those the operator's admin made, without the email of a user outside A", async () => {
    const { admins, viewers, tokens } = world;
    const [change] = await auditOf(tokens.a, `user=${viewers.a.id}&action=role_changed`);
    expect(change).toMatchObject({ actor: admins.operator.id, actorEmail: null, targetUserId: viewers.a.id, targetEmail: viewers.a.email });
    expect((await auditOf(tokens.a, `user=${encodeURIComponent(viewers.a.email)}`)).map((event) => event.id)).toContain(change!.id);
  });

  it("shows the operator's admin every organisation's events and those of none", async () => {
    const { admins, viewers, tokens } = world;
    const [change] = await auditOf(tokens.operator, `user=${viewers.a.id}&action=role_changed`);
    expect(change).toMatchObject({ actor: admins.operator.id, actorEmail: admins.operator.email });
    expect(await auditOf(tokens.operator, `user=${viewers.b.id}&action=role_changed`)).toEqual([expect.objectContaining({ actor: admins.b.id, targetUserId: viewers.b.id })]);
    expect(await auditOf(tokens.operator, `user=${NOBODY}`)).toEqual([expect.objectContaining({ action: "sign_in_refused" })]);
  });

  it("scopes the listing the audit page calls the same way", async () => {
    const { a, b, viewers } = world;
    const query = parseAuditQuery(new URLSearchParams({ user: viewers.a.id }));
    if (!query.ok) throw new Error(query.message);
    expect((await listAuditEvents(db, adminScopeOf(b.id), query.query)).events).toEqual([]);
    expect((await listAuditEvents(db, adminScopeOf(a.id), query.query)).events.length).toBeGreaterThan(0);
  });
});
