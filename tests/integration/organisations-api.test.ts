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
  setupLinks: await import("@/app/api/organisations/[slug]/setup-links/route"),
  directoryTokens: await import("@/app/api/organisations/[slug]/directory-tokens/route"),
  directoryToken: await import("@/app/api/organisations/[slug]/directory-tokens/[id]/route"),
  signalStreams: await import("@/app/api/organisations/[slug]/signal-streams/route"),
  signalStream: await import("@/app/api/organisations/[slug]/signal-streams/[id]/route"),
};
const createdSlug = `api-created-${randomUUID().slice(0, 8)}`;
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
  await db.organisation.deleteMany({ where: { slug: createdSlug } });
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

  it("creates organisations for the operator's admins only; another organisation's admin gets the answer of a route that is not there for them", async () => {
    const { tokens } = world;
    const create = (token: string, body: unknown) => routes.list.POST(apiRequest("/api/organisations", token, { method: "POST", body: JSON.stringify(body) }), routeParams({}));
    const refused = await create(tokens.a, { slug: createdSlug, name: "Created" });
    expect(refused.status).toBe(404);
    expect(await db.organisation.count({ where: { slug: createdSlug } })).toBe(0);
    const created = await create(tokens.operator, { slug: createdSlug, name: "Created" });
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ slug: createdSlug });
    const again = await create(tokens.operator, { slug: createdSlug, name: "Again" });
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ error: "slug_taken" });
    expect((await create(tokens.operator, { slug: "Not A Slug!", name: "x" })).status).toBe(400);
  });

  it("makes setup links for the caller's own organisation (every one for the operator's), answered once, 404 for another's", async () => {
    const { a, b, tokens } = world;
    const make = (token: string, slug: string, body: unknown = {}) =>
      routes.setupLinks.POST(apiRequest(`/api/organisations/${slug}/setup-links`, token, { method: "POST", body: JSON.stringify(body) }), routeParams({ slug }));
    const own = await make(tokens.a, a.slug, { hours: 2 });
    expect(own.status).toBe(201);
    const body = (await own.json()) as { url: string; expiresAt: string };
    expect(body.url).toMatch(/\/setup#[A-Za-z0-9_-]{43}$/);
    expect(Date.parse(body.expiresAt) - Date.now()).toBeGreaterThan(3600_000);
    expect(Date.parse(body.expiresAt) - Date.now()).toBeLessThanOrEqual(2 * 3600_000);
    expect((await make(tokens.operator, b.slug)).status).toBe(201);
    const before = await db.setupLink.count({ where: { organisationId: a.id } });
    expect((await make(tokens.b, a.slug)).status).toBe(404);
    expect(await db.setupLink.count({ where: { organisationId: a.id } })).toBe(before);
    expect((await make(tokens.a, a.slug, { hours: 1000 })).status).toBe(400);
    expect((await make(tokens.a, a.slug, { hours: "2" })).status).toBe(400);
  });

  it("makes, lists and revokes directory tokens within the caller's organisation only; the token is answered once and never listed", async () => {
    const { a, tokens } = world;
    const { authenticateDirectory } = await import("@/lib/organisation-admin/directory-tokens");
    const make = (token: string, slug: string) => routes.directoryTokens.POST(apiRequest(`/api/organisations/${slug}/directory-tokens`, token, { method: "POST", body: JSON.stringify({ name: "Entra ID" }) }), routeParams({ slug }));
    const list = (token: string, slug: string) => routes.directoryTokens.GET(apiRequest(`/api/organisations/${slug}/directory-tokens`, token), routeParams({ slug }));
    const revoke = (token: string, slug: string, id: string) => routes.directoryToken.DELETE(apiRequest(`/api/organisations/${slug}/directory-tokens/${id}`, token, { method: "DELETE" }), routeParams({ slug, id }));
    expect((await make(tokens.b, a.slug)).status).toBe(404);
    const made = await make(tokens.a, a.slug);
    expect(made.status).toBe(201);
    const { id, token, scimBaseUrl } = (await made.json()) as { id: string; token: string; scimBaseUrl: string };
    expect(token).toMatch(/^vsa_scim_/);
    expect(scimBaseUrl).toMatch(/\/scim\/v2$/);
    expect(await authenticateDirectory(db, `Bearer ${token}`)).toEqual({ organisationId: a.id, tokenId: id });
    const listed = await (await list(tokens.a, a.slug)).text();
    expect(listed).toContain(id);
    expect(listed).not.toContain(token);
    expect((await list(tokens.b, a.slug)).status).toBe(404);
    expect((await revoke(tokens.b, a.slug, id)).status).toBe(404);
    expect((await revoke(tokens.b, world.b.slug, id)).status).toBe(404);
    expect((await revoke(tokens.a, a.slug, id)).status).toBe(200);
    expect(await authenticateDirectory(db, `Bearer ${token}`)).toBeNull();
    expect((await revoke(tokens.a, a.slug, id)).status).toBe(404);
  });

  it("adds, lists and removes Shared Signals streams for the organisation's own connections only", async () => {
    const { a, tokens } = world;
    const add = (token: string, slug: string, body: object) => routes.signalStreams.POST(apiRequest(`/api/organisations/${slug}/signal-streams`, token, { method: "POST", body: JSON.stringify(body) }), routeParams({ slug }));
    const list = (token: string, slug: string) => routes.signalStreams.GET(apiRequest(`/api/organisations/${slug}/signal-streams`, token), routeParams({ slug }));
    const remove = (token: string, slug: string, id: string) => routes.signalStream.DELETE(apiRequest(`/api/organisations/${slug}/signal-streams/${id}`, token, { method: "DELETE" }), routeParams({ slug, id }));
    const operatorSlug = (await db.organisation.findUniqueOrThrow({ where: { id: "operator" } })).slug;
    const stream = { connectionId: "oidc", issuer: "https://ssf.operator-idp.example", jwksUri: "https://ssf.operator-idp.example/jwks" };
    // The environment's connection is the operator organisation's, not A's.
    expect((await add(tokens.a, a.slug, stream)).status).toBe(404);
    expect((await add(tokens.operator, operatorSlug, { ...stream, jwksUri: "http://ssf.operator-idp.example/jwks" })).status).toBe(400);
    expect((await add(tokens.operator, operatorSlug, { connectionId: "oidc" })).status).toBe(400);
    const added = await add(tokens.operator, operatorSlug, stream);
    expect(added.status).toBe(201);
    const { id, endpoint, audience } = (await added.json()) as { id: string; endpoint: string; audience: string };
    expect(endpoint).toMatch(new RegExp(`/api/shared-signals/${id}$`));
    expect(audience).toBe(endpoint);
    expect(await (await list(tokens.operator, operatorSlug)).text()).toContain(id);
    expect(await (await list(tokens.a, a.slug)).text()).not.toContain(id);
    expect((await list(tokens.a, operatorSlug)).status).toBe(404);
    expect((await remove(tokens.a, a.slug, id)).status).toBe(404);
    expect((await remove(tokens.operator, operatorSlug, id)).status).toBe(200);
    expect(await db.signalStream.count({ where: { id } })).toBe(0);
  });
});
