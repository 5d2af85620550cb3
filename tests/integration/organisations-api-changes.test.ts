import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createDb } from "@/lib/db";
import { configureProcess } from "../support/process-configuration";
import { apiRequest, routeParams, twoOrganisations } from "../support/organisation-fixtures";
import { startTestDnsServer } from "../support/test-dns-server";
import { startDevOidcProvider } from "../../scripts/dev/oidc-provider.mjs";
import { freePort } from "../support/free-port";

// The routes read the process configuration: the suite's own DNS server and sealing key first.
await configureProcess("organisations-api-changes");
const dns = await startTestDnsServer();
process.env.DNS_SERVERS = dns.address;
process.env.CONNECTION_SECRET_KEY = randomBytes(32).toString("base64");

const db = createDb(inject("databaseUrl"), inject("poolMax"));
const routes = {
  domains: await import("@/app/api/organisations/[slug]/domains/route"),
  verify: await import("@/app/api/organisations/[slug]/domains/[domain]/verify/route"),
  connections: await import("@/app/api/organisations/[slug]/connections/route"),
  connection: await import("@/app/api/organisations/[slug]/connections/[id]/route"),
};
let world: Awaited<ReturnType<typeof twoOrganisations>>;
let idp: { issuer: string; close(): Promise<unknown> };
const domain = `api-${randomUUID().slice(0, 8)}.test`;


beforeAll(async () => {
  world = await twoOrganisations(db);
  idp = await startDevOidcProvider({ port: await freePort(), clientId: "api-console", clientSecret: "api-secret" });
});

afterAll(async () => {
  // A connection left enabled would put the email step on the end-to-end suites' sign-in page.
  await db.connection.deleteMany({ where: { organisationId: { in: [world.a.id, world.b.id] } } });
  await idp?.close();
  await dns.close();
  await db.$disconnect();
  const { getDb } = await import("@/lib/db");
  await getDb().$disconnect();
});

const post = (token: string, path: string, body: unknown) => apiRequest(path, token, { method: "POST", body: JSON.stringify(body) });
const addDomain = (token: string, slug: string, name: string) => routes.domains.POST(post(token, `/api/organisations/${slug}/domains`, { domain: name }), routeParams({ slug }));
const verify = (token: string, slug: string, name: string) => routes.verify.POST(post(token, `/api/organisations/${slug}/domains/${name}/verify`, {}), routeParams({ slug, domain: name }));
const connectionBody = (overrides: Record<string, unknown> = {}) => ({ displayName: "A's SSO", issuer: idp.issuer, clientId: `client-${randomUUID().slice(0, 8)}`, clientSecret: "the-secret", domains: [domain], ...overrides });
const addConnection = (token: string, slug: string, body: unknown) => routes.connections.POST(post(token, `/api/organisations/${slug}/connections`, body), routeParams({ slug }));

describe("changing organisations through the API", () => {
  it("claims a domain and verifies it by its TXT record, within the caller's organisation only", async () => {
    const { a, b, tokens } = world;
    expect((await addDomain(tokens.b, a.slug, domain)).status).toBe(404);
    const added = await addDomain(tokens.a, a.slug, domain);
    expect(added.status).toBe(201);
    const record = (await added.json()) as { recordName: string; recordType: string; recordValue: string };
    expect(record).toMatchObject({ recordName: `_vsa-verification.${domain}`, recordType: "TXT" });
    expect(await (await addDomain(tokens.a, a.slug, domain)).json()).toMatchObject({ error: "domain_exists" });
    expect(await (await addDomain(tokens.a, a.slug, "not a domain")).json()).toMatchObject({ error: "invalid_domain" });

    expect(await (await verify(tokens.a, a.slug, domain)).json()).toMatchObject({ verified: false, code: "record_missing" });
    dns.records.set(record.recordName, [[record.recordValue]]);
    // Another organisation's admin cannot check (or learn about) it.
    expect((await verify(tokens.b, a.slug, domain)).status).toBe(404);
    expect((await verify(tokens.b, b.slug, domain)).status).toBe(409);
    expect(await (await verify(tokens.a, a.slug, domain)).json()).toEqual({ domain, verified: true });
  });

  it("adds a connection checked live, never answers its secret, and changes it in place; 404 for another organisation's admin", async () => {
    const { a, tokens } = world;
    const body = connectionBody();
    expect((await addConnection(tokens.b, a.slug, body)).status).toBe(404);
    expect(await (await addConnection(tokens.a, a.slug, connectionBody({ issuer: `${idp.issuer}/wrong` }))).json()).toMatchObject({ error: "discovery_failed" });
    expect(await (await addConnection(tokens.a, a.slug, connectionBody({ domains: ["elsewhere.test"] }))).json()).toMatchObject({ error: "domain_not_found" });
    expect((await addConnection(tokens.a, a.slug, { ...body, roleMap: ["admin"] })).status).toBe(400);
    const added = await addConnection(tokens.a, a.slug, { ...body, enabled: false, roleClaim: "groups", roleMap: { "it-admins": "admin" } });
    expect(added.status).toBe(201);
    const text = await added.text();
    expect(text).not.toContain("the-secret");
    const { id } = JSON.parse(text) as { id: string };
    expect(await db.connection.findUniqueOrThrow({ where: { id } })).toMatchObject({ enabled: false, roleClaim: "groups", roleMap: { "it-admins": "admin" } });
    expect(await (await addConnection(tokens.a, a.slug, body)).json()).toMatchObject({ error: "connection_exists" });

    const put = (token: string, slug: string, change: unknown) => routes.connection.PUT(apiRequest(`/api/organisations/${slug}/connections/${id}`, token, { method: "PUT", body: JSON.stringify(change) }), routeParams({ slug, id }));
    expect((await put(tokens.b, world.b.slug, { ...body, displayName: "Hijacked" })).status).toBe(404);
    const changed = await put(tokens.a, a.slug, { ...body, displayName: "A's new SSO", clientSecret: "a-new-secret" });
    expect(changed.status).toBe(200);
    expect(await changed.json()).toMatchObject({ id, version: 2 });
    const row = await db.connection.findUniqueOrThrow({ where: { id } });
    expect(row).toMatchObject({ displayName: "A's new SSO", roleClaim: null, roleMap: null, version: 2 });
    expect(row.clientSecretSealed).not.toContain("a-new-secret");
  });

  it("serialises concurrent edits of one connection: each commits whole, and the version counts both", async () => {
    const { a, tokens } = world;
    const added = await addConnection(tokens.a, a.slug, connectionBody());
    const { id } = (await added.json()) as { id: string };
    const edit = (name: string) => routes.connection.PUT(apiRequest(`/api/organisations/${a.slug}/connections/${id}`, tokens.a, { method: "PUT", body: JSON.stringify(connectionBody({ displayName: name, clientId: `client-${name}` })) }), routeParams({ slug: a.slug, id }));
    const answers = await Promise.all([edit("one"), edit("two")]);
    expect(answers.map((answer) => answer.status)).toEqual([200, 200]);
    const row = await db.connection.findUniqueOrThrow({ where: { id } });
    expect(row.version).toBe(3);
    // Never half of one and half of the other.
    expect([["one", "client-one"], ["two", "client-two"]]).toContainEqual([row.displayName, row.clientId]);
  });
});
