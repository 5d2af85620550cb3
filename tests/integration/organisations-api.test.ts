import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createDb } from "@/lib/db";
import { configureProcess } from "../support/process-configuration";
import { apiRequest, routeParams, twoOrganisations } from "../support/organisation-fixtures";

await configureProcess("organisations-api");

const db = createDb(inject("databaseUrl"), inject("poolMax"));
const routes = {
  list: await import("@/app/api/organisations/route"),
  one: await import("@/app/api/organisations/[slug]/route"),
  connection: await import("@/app/api/organisations/[slug]/connections/[id]/route"),
};
let world: Awaited<ReturnType<typeof twoOrganisations>>;
const connectionId = `api-connection-${randomUUID()}`;

beforeAll(async () => {
  world = await twoOrganisations(db);
  await db.connection.create({
    data: { id: connectionId, organisationId: world.a.id, displayName: "A's SSO", issuer: `https://idp.example.test/${connectionId}`, clientId: "a-client", clientSecretSealed: "v1.sealed-not-shown" },
  });
});

afterAll(async () => {
  // A connection left enabled would put the email step on the end-to-end suites' sign-in page.
  await db.connection.deleteMany({ where: { id: connectionId } });
  await db.$disconnect();
  const { getDb } = await import("@/lib/db");
  await getDb().$disconnect();
});

const list = async (token: string) => {
  const response = await routes.list.GET(apiRequest("/api/organisations", token), routeParams({}));
  expect(response.status).toBe(200);
  return ((await response.json()) as { organisations: { slug: string; connections: { id: string }[] }[] }).organisations;
};
const show = (token: string, slug: string) => routes.one.GET(apiRequest(`/api/organisations/${slug}`, token), routeParams({ slug }));
const patch = (token: string, slug: string, id: string, body: unknown) =>
  routes.connection.PATCH(apiRequest(`/api/organisations/${slug}/connections/${id}`, token, { method: "PATCH", body: JSON.stringify(body) }), routeParams({ slug, id }));

describe("the organisations API", () => {
  it("lists the caller's organisation only; the operator's admins see every one; no secret is ever in it", async () => {
    const { a, b, tokens } = world;
    expect((await list(tokens.b)).map((organisation) => organisation.slug)).toEqual([b.slug]);
    const ofA = await list(tokens.a);
    expect(ofA.map((organisation) => organisation.slug)).toEqual([a.slug]);
    expect(ofA[0]!.connections.map((connection) => connection.id)).toEqual([connectionId]);
    const everyone = (await list(tokens.operator)).map((organisation) => organisation.slug);
    expect(everyone).toEqual(expect.arrayContaining(["default", a.slug, b.slug]));
    const body = JSON.stringify(await (await show(tokens.a, a.slug)).json());
    expect(body).not.toContain("sealed-not-shown");
    expect(body).not.toContain("clientSecret");
  });

  it("answers another organisation's slug and connection id exactly as unknown ones (404), and changes nothing", async () => {
    const { a, b, tokens } = world;
    const unknown = await (await show(tokens.b, `no-such-${randomUUID()}`)).json();
    const other = await show(tokens.b, a.slug);
    expect(other.status).toBe(404);
    expect(await other.json()).toEqual(unknown);
    for (const [slug, id] of [[a.slug, connectionId], [b.slug, connectionId]] as const) {
      const refused = await patch(tokens.b, slug, id, { enabled: false, endSessions: true });
      expect(refused.status).toBe(404);
    }
    expect(await db.connection.findUniqueOrThrow({ where: { id: connectionId } })).toMatchObject({ enabled: true, version: 1 });
  });

  it("lets the organisation's own admin, and the operator's, turn its connection off and on, on the record", async () => {
    const { a, admins, tokens } = world;
    const off = await patch(tokens.a, a.slug, connectionId, { enabled: false });
    expect(off.status).toBe(200);
    expect(await off.json()).toMatchObject({ id: connectionId, enabled: false });
    expect((await patch(tokens.operator, a.slug, connectionId, { enabled: true })).status).toBe(200);
    expect(await db.connection.findUniqueOrThrow({ where: { id: connectionId } })).toMatchObject({ enabled: true, version: 3 });
    const events = await db.auditEvent.findMany({ where: { action: { in: ["connection_disabled", "connection_enabled"] }, detail: { path: ["connectionId"], equals: connectionId } }, orderBy: { createdAt: "asc" } });
    expect(events.map((event) => [event.action, event.actor])).toEqual([
      ["connection_disabled", admins.a.id],
      ["connection_enabled", admins.operator.id],
    ]);
    expect((await patch(tokens.a, a.slug, connectionId, { enabled: "no" })).status).toBe(400);
  });
});
