import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createDb } from "@/lib/db";
import { createOrganisation, verifyDomain } from "@/lib/organisation-admin/organisation-admin";
import { createSetupLink, openSetupLink } from "@/lib/organisation-admin/setup-links";
import { setupStatus } from "@/lib/organisation-admin/setup-status";
import { activateSetup, recordSetupTest, saveSetupConnection } from "@/lib/organisation-admin/setup-steps";
import { startDevOidcProvider } from "../../scripts/dev/oidc-provider.mjs";
import { freePort } from "../support/free-port";
import { organisationAdminEnv } from "../support/organisation-fixtures";

const db = createDb(inject("databaseUrl"), inject("poolMax"));
const env = await organisationAdminEnv();
const CLI = { actor: "cli" } as const;
const RUN = randomUUID().slice(0, 8);
const APP = "https://console.example.test";


let idp: { issuer: string; close(): Promise<unknown> };
beforeAll(async () => {
  idp = await startDevOidcProvider({ port: await freePort(), clientId: "integration-console", clientSecret: "integration-secret" });
});
afterAll(async () => {
  await idp?.close();
  // The end-to-end suites share the database: no connection of ours may stay enabled.
  await db.user.deleteMany({ where: { organisation: { slug: { endsWith: `-${RUN}` } } } });
  await db.organisation.deleteMany({ where: { slug: { endsWith: `-${RUN}` } } });
  await db.$disconnect();
});

const tokenOf = (url: string) => url.slice(url.indexOf("#") + 1);

/** A new organisation and a setup link for it; answers the organisation and the link's token. */
async function organisationWithLink(label: string) {
  const created = await createOrganisation(db, { slug: `${label}-${RUN}`, name: `Org ${label}` }, CLI);
  if (!created.ok) throw new Error(created.message);
  const link = await createSetupLink(db, APP, created.value.id, {}, CLI);
  if (!link.ok) throw new Error(link.message);
  return { organisationId: created.value.id, domain: `${label}-${RUN}.test`, token: tokenOf(link.value.url) };
}

async function opened(token: string) {
  const result = await openSetupLink(db, token);
  if (!result.ok) throw new Error(result.code);
  return result.link;
}

const settings = (domain: string, extra: Record<string, string> = {}) => ({ displayName: "Org SSO", issuer: idp.issuer, clientId: `client-${randomUUID().slice(0, 8)}`, clientSecret: "s3cret", domain, ...extra });

/** A setup link with its connection saved, its domain verified and a passing test as `email`. */
async function readyToActivate(label: string, email?: string, extra: Record<string, string> = {}, claims: Record<string, unknown> = {}) {
  const org = await organisationWithLink(label);
  const saved = await saveSetupConnection(db, env, await opened(org.token), settings(org.domain, extra));
  if (!saved.ok) throw new Error(saved.message);
  await verifyDomain(db, env, org.organisationId, org.domain, { ...CLI, markedBy: "operator" });
  const link = await opened(org.token);
  const { version } = await db.connection.findUniqueOrThrow({ where: { id: saved.value.connectionId } });
  const tester = email === undefined ? `it-admin@${org.domain}` : email;
  await recordSetupTest(db, link, { ok: true, subject: `sub-${label}`, email: tester || null, name: "IT Admin", claims: { sub: `sub-${label}`, email: tester, ...claims }, connectionVersion: version });
  return { ...org, connectionId: saved.value.connectionId };
}

describe("setup links", () => {
  it("open only with their whole token, until they expire or are used; the database keeps only the token's hash", async () => {
    const org = await organisationWithLink("open");
    expect((await openSetupLink(db, org.token)).ok).toBe(true);
    expect(await openSetupLink(db, `${org.token.slice(0, -1)}${org.token.endsWith("A") ? "B" : "A"}`)).toEqual({ ok: false, code: "setup_link_unknown" });
    expect(await openSetupLink(db, org.token.slice(0, 20))).toEqual({ ok: false, code: "setup_link_unknown" });
    expect(await openSetupLink(db, undefined)).toEqual({ ok: false, code: "setup_link_unknown" });
    const rows = await db.setupLink.findMany({ where: { organisationId: org.organisationId } });
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(org.token);
    await db.setupLink.update({ where: { id: rows[0]!.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect(await openSetupLink(db, org.token)).toEqual({ ok: false, code: "setup_link_expired" });
    expect(await createSetupLink(db, APP, org.organisationId, { hours: 0 }, CLI)).toMatchObject({ ok: false, code: "invalid_setup_link" });
    expect(await createSetupLink(db, APP, org.organisationId, { hours: 169 }, CLI)).toMatchObject({ ok: false, code: "invalid_setup_link" });
  });

  it("save the connection switched off, and say what stands before activation, step by step", async () => {
    const org = await organisationWithLink("steps");
    expect((await setupStatus(db, env, await opened(org.token))).blockers).toEqual(["connection_missing"]);
    const saved = await saveSetupConnection(db, env, await opened(org.token), settings(org.domain));
    expect(saved.ok).toBe(true);
    const connection = await db.connection.findUniqueOrThrow({ where: { id: saved.ok ? saved.value.connectionId : "" } });
    expect(connection.enabled).toBe(false);
    expect((await setupStatus(db, env, await opened(org.token))).blockers).toEqual(["domain_unverified", "test_missing"]);
    // Saved again: the same row, changed in place, its version moved (a test made before is outdated).
    const again = await saveSetupConnection(db, env, await opened(org.token), settings(org.domain));
    expect(again).toMatchObject({ ok: true, value: { connectionId: connection.id } });
    expect((await db.connection.findUniqueOrThrow({ where: { id: connection.id } })).version).toBe(connection.version + 1);
    await recordSetupTest(db, await opened(org.token), { ok: true, subject: "s", email: `a@${org.domain}`, name: null, claims: {}, connectionVersion: connection.version });
    expect((await setupStatus(db, env, await opened(org.token))).blockers).toEqual(["domain_unverified", "test_outdated", "domain_not_allowed"]);
    // A refused test is a blocker of its own.
    await recordSetupTest(db, await opened(org.token), { ok: false, code: "idp_error/invalid_client" });
    expect((await setupStatus(db, env, await opened(org.token))).blockers).toEqual(["domain_unverified", "test_refused"]);
    // A wrong issuer is refused live, and the saved connection is left as it was.
    expect(await saveSetupConnection(db, env, await opened(org.token), settings(org.domain, { issuer: `${idp.issuer}/elsewhere` }))).toMatchObject({ ok: false, code: "discovery_failed" });
    expect((await db.connection.findUniqueOrThrow({ where: { id: connection.id } })).issuer).toBe(idp.issuer);
  });

  it("activate once: two activations at once make one first admin, and the link is used up", async () => {
    const org = await readyToActivate("once");
    const link = await opened(org.token);
    expect((await setupStatus(db, env, link)).blockers).toEqual([]);
    const outcomes = await Promise.all([activateSetup(db, env, link), activateSetup(db, env, link)]);
    expect(outcomes.filter((outcome) => outcome.ok)).toHaveLength(1);
    expect(outcomes.find((outcome) => !outcome.ok)).toMatchObject({ code: "setup_link_used" });
    const users = await db.user.findMany({ where: { organisationId: org.organisationId }, include: { accounts: true } });
    expect(users).toHaveLength(1);
    expect(users[0]).toMatchObject({ email: `it-admin@${org.domain}`, role: "admin" });
    expect(users[0]!.accounts).toEqual([expect.objectContaining({ provider: org.connectionId, providerAccountId: "sub-once" })]);
    expect((await db.connection.findUniqueOrThrow({ where: { id: org.connectionId } })).enabled).toBe(true);
    expect(await openSetupLink(db, org.token)).toEqual({ ok: false, code: "setup_link_used" });
    const audit = await db.auditEvent.findMany({ where: { organisationId: org.organisationId, action: "setup_completed" } });
    expect(audit).toEqual([expect.objectContaining({ actor: `setup-link:${link.id}`, targetUserId: users[0]!.id })]);
  });

  it("refuse a tester whose email is not the organisation's verified domain, or not verified, and one the role mapping does not make admin", async () => {
    for (const [label, email, code] of [["foreign", "someone@elsewhere.test", "domain_not_allowed"], ["unverified", "", "email_not_verified"]] as const) {
      const org = await readyToActivate(label, email);
      const outcome = await activateSetup(db, env, await opened(org.token));
      expect(outcome).toMatchObject({ ok: false, code });
      expect(await db.user.count({ where: { organisationId: org.organisationId } })).toBe(0);
      expect((await db.connection.findUniqueOrThrow({ where: { id: org.connectionId } })).enabled).toBe(false);
    }
    const mapped = await readyToActivate("mapped", undefined, { roleClaim: "groups", roleMap: '{"it":"admin"}' }, { groups: ["staff"] });
    expect(await activateSetup(db, env, await opened(mapped.token))).toMatchObject({ ok: false, code: "first_admin_not_admin" });
    const status = await setupStatus(db, env, await opened(mapped.token));
    expect(status.mappedRole).toBe("viewer");
    const admin = await readyToActivate("mapped-admin", undefined, { roleClaim: "groups", roleMap: '{"it":"admin"}' }, { groups: ["it"] });
    expect(await activateSetup(db, env, await opened(admin.token))).toMatchObject({ ok: true });
  });
});
