import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createDb } from "@/lib/db";
import { addConnection, changeConnection, setConnectionEnabled } from "@/lib/organisation-admin/connection-admin";
import { identityProviderOf } from "@/lib/oidc/identity-provider";
import { addDomain, createOrganisation, verifyDomain } from "@/lib/organisation-admin/organisation-admin";
import { findConnection, findConnectionByIssuer, findConnectionIdByIssuer } from "@/lib/organisations/find-connection";
import { homeRealmOf, signInChoicesOf } from "@/lib/organisations/home-realm";
import { startDevOidcProvider } from "../../scripts/dev/oidc-provider.mjs";
import { freePort } from "../support/free-port";
import { organisationAdminEnv } from "../support/organisation-fixtures";

const db = createDb(inject("databaseUrl"), inject("poolMax"));
const env = await organisationAdminEnv();
const CLI = { actor: "cli" } as const;
const RUN = randomUUID().slice(0, 8);


let idp: { issuer: string; close(): Promise<unknown> };
beforeAll(async () => {
  idp = await startDevOidcProvider({ port: await freePort(), clientId: "integration-console", clientSecret: "integration-secret" });
});
afterAll(async () => {
  await idp?.close();
  // Gone again: the end-to-end suites share the database, and a connection left enabled would
  // put the email step on their sign-in page.
  await db.organisation.deleteMany({ where: { slug: { endsWith: `-${RUN}` } } });
  await db.$disconnect();
});

/** An organisation with its verified domain `<label>-RUN.test`. */
async function organisationWithDomain(label: string) {
  const created = await createOrganisation(db, { slug: `${label}-${RUN}`, name: `Org ${label}` }, CLI);
  if (!created.ok) throw new Error(created.message);
  const domain = `${label}-${RUN}.test`;
  await addDomain(db, created.value.id, domain, CLI);
  await verifyDomain(db, env, created.value.id, domain, { ...CLI, markedBy: "operator" });
  return { id: created.value.id, slug: created.value.slug, domain };
}

const connectionInput = (domains: string[], clientId = `client-${randomUUID().slice(0, 8)}`) => ({
  displayName: "Org SSO",
  issuer: idp.issuer,
  clientId,
  clientSecret: "the-client-secret",
  domains,
});

describe("connections added at run time", () => {
  it("checks the IdP live, seals the secret bound to its row, and opens it for sign-in with only its verified domains", async () => {
    const org = await organisationWithDomain("alpha");
    const unverified = `unverified-${RUN}.test`;
    await addDomain(db, org.id, unverified, CLI);
    const added = await addConnection(db, env, org.id, connectionInput([org.domain, unverified]), CLI);
    expect(added).toMatchObject({ ok: true, value: { issuer: idp.issuer } });
    const id = (added as { value: { id: string } }).value.id;
    const row = await db.connection.findUniqueOrThrow({ where: { id } });
    expect(row.clientSecretSealed).not.toContain("the-client-secret");
    expect(row.clientSecretSealed).toMatch(/^v1\./);
    const connection = await findConnection(db, env, id);
    expect(connection).toMatchObject({ organisationId: org.id, clientSecret: "the-client-secret", allowedDomains: [org.domain], enabled: true });
    // Copied onto another row, the sealed secret does not open (it is bound to its own).
    const other = await addConnection(db, env, org.id, connectionInput([org.domain]), CLI);
    const otherId = (other as { value: { id: string } }).value.id;
    await db.connection.update({ where: { id: otherId }, data: { clientSecretSealed: row.clientSecretSealed } });
    await expect(findConnection(db, env, otherId)).rejects.toMatchObject({ code: "tampered" });
    const events = await db.auditEvent.findMany({ where: { action: "connection_added", actor: "cli" }, orderBy: { createdAt: "desc" }, take: 5 });
    expect(JSON.stringify(events)).not.toContain("the-client-secret");
  });

  it("refuses what cannot work, naming why: an IdP that does not answer, a domain the organisation lacks, no CONNECTION_SECRET_KEY, a duplicate", async () => {
    const org = await organisationWithDomain("beta");
    const deadIssuer = `http://127.0.0.1:${await freePort()}`;
    expect(await addConnection(db, env, org.id, { ...connectionInput([org.domain]), issuer: deadIssuer }, CLI)).toMatchObject({ ok: false, code: "discovery_failed" });
    expect(await addConnection(db, env, org.id, { ...connectionInput([org.domain]), issuer: "http://idp.example.test" }, CLI)).toMatchObject({ ok: false, code: "discovery_failed", message: expect.stringContaining("https") });
    expect(await addConnection(db, env, org.id, connectionInput(["someone-else.test"]), CLI)).toMatchObject({ ok: false, code: "domain_not_found" });
    expect(await addConnection(db, { ...env, connectionSecretKey: undefined }, org.id, connectionInput([org.domain]), CLI)).toMatchObject({ ok: false, code: "connection_secret_key_missing" });
    const input = connectionInput([org.domain]);
    expect(await addConnection(db, env, org.id, input, CLI)).toMatchObject({ ok: true });
    expect(await addConnection(db, env, org.id, input, CLI)).toMatchObject({ ok: false, code: "connection_exists" });
    expect(await db.connection.count({ where: { organisationId: org.id } })).toBe(1);
  });

  it("another organisation's connection id is not found, and nothing of it changes", async () => {
    const [a, b] = [await organisationWithDomain("gamma"), await organisationWithDomain("delta")];
    const added = await addConnection(db, env, a.id, connectionInput([a.domain]), CLI);
    const id = (added as { value: { id: string } }).value.id;
    expect(await setConnectionEnabled(db, b.id, id, false, { endSessions: true }, CLI)).toMatchObject({ ok: false, code: "connection_not_found" });
    expect(await db.connection.findUniqueOrThrow({ where: { id } })).toMatchObject({ enabled: true, version: 1 });
    expect(await setConnectionEnabled(db, a.id, id, false, {}, CLI)).toMatchObject({ ok: true, value: { enabled: false } });
  });

  it("concurrent edits of one connection each apply, and each moves its version", async () => {
    const org = await organisationWithDomain("epsilon");
    const id = ((await addConnection(db, env, org.id, connectionInput([org.domain]), CLI)) as { value: { id: string } }).value.id;
    const edits = await Promise.all([false, true, false, true].map((enabled) => setConnectionEnabled(db, org.id, id, enabled, {}, CLI)));
    expect(edits.every((edit) => edit.ok)).toBe(true);
    expect((await db.connection.findUniqueOrThrow({ where: { id } })).version).toBe(5);
  });

  it("a change made through one instance is what another instance's next sign-in reads, and its IdP caches start afresh", async () => {
    // Two instances: two database clients and the process's one IdP registry, as two processes would have theirs.
    const other = createDb(inject("databaseUrl"), inject("poolMax"));
    try {
      const org = await organisationWithDomain("theta");
      const input = connectionInput([org.domain]);
      const id = ((await addConnection(db, env, org.id, input, CLI)) as { value: { id: string } }).value.id;
      const before = (await findConnection(other, env, id))!;
      const idpBefore = identityProviderOf(before, env);
      expect(identityProviderOf((await findConnection(other, env, id))!, env)).toBe(idpBefore);
      expect(await changeConnection(db, env, org.id, id, { ...input, clientSecret: "a-rotated-secret", displayName: "Theta SSO" }, CLI)).toMatchObject({ ok: true, value: { version: 2 } });
      const after = (await findConnection(other, env, id))!;
      expect(after).toMatchObject({ displayName: "Theta SSO", clientSecret: "a-rotated-secret", version: 2, enabled: true });
      expect(identityProviderOf(after, env)).not.toBe(idpBefore);
      await setConnectionEnabled(db, org.id, id, false, {}, CLI);
      expect((await findConnection(other, env, id))!.enabled).toBe(false);
    } finally {
      await other.$disconnect();
    }
  });

  it("home-realm discovery finds the organisation by the email's verified domain, its enabled connections only", async () => {
    const org = await organisationWithDomain("zeta");
    const first = ((await addConnection(db, env, org.id, { ...connectionInput([org.domain]), displayName: "A sign-in" }, CLI)) as { value: { id: string } }).value.id;
    const second = ((await addConnection(db, env, org.id, { ...connectionInput([org.domain]), displayName: "B sign-in" }, CLI)) as { value: { id: string } }).value.id;
    expect(await homeRealmOf(db, `Someone@${org.domain.toUpperCase()}`)).toEqual({
      kind: "organisation",
      organisation: { slug: org.slug, name: "Org zeta" },
      connections: [{ connectionId: first, displayName: "A sign-in" }, { connectionId: second, displayName: "B sign-in" }],
    });
    await setConnectionEnabled(db, org.id, second, false, {}, CLI);
    expect(await homeRealmOf(db, `x@${org.domain}`)).toMatchObject({ connections: [{ connectionId: first }] });
    expect((await signInChoicesOf(db, org.slug))?.connections).toEqual([{ connectionId: first, displayName: "A sign-in" }]);
    // A domain only claimed (not proven) finds nobody's organisation: the environment's sign-in.
    const claimed = `claimed-${RUN}.test`;
    await addDomain(db, org.id, claimed, CLI);
    expect(await homeRealmOf(db, `x@${claimed}`)).toEqual({ kind: "environment" });
    expect(await homeRealmOf(db, "not-an-email")).toEqual({ kind: "unknown" });
    expect(await signInChoicesOf(db, `nobody-${RUN}`)).toBeNull();
  });

  it("finds a connection by its issuer (and, for logout tokens, its client)", async () => {
    const org = await organisationWithDomain("eta");
    const input = connectionInput([org.domain]);
    const id = ((await addConnection(db, env, org.id, input, CLI)) as { value: { id: string } }).value.id;
    expect((await findConnectionByIssuer(db, env, idp.issuer, [input.clientId]))?.id).toBe(id);
    expect(await findConnectionByIssuer(db, env, idp.issuer, ["another-client"])).toBeNull();
    // Several clients of the issuer are connections by now: an IdP-initiated sign-in cannot tell which.
    expect(await findConnectionIdByIssuer(db, env, idp.issuer)).toBe("ambiguous");
    expect(await findConnectionIdByIssuer(db, env, "https://nobody.example.test")).toBeNull();
    expect(await findConnectionIdByIssuer(db, env, env.oidcIssuer)).toEqual({ id: "oidc" });
  });
});
