import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createDb } from "@/lib/db";
import { configureProcess } from "../support/process-configuration";
import { routeParams, type Organisation } from "../support/organisation-fixtures";
import { removeDirectories, scimRequest, twoDirectories } from "../support/scim-fixtures";
import { RUN, browserSignIn } from "../support/user-fixtures";

await configureProcess("scim-users");

const db = createDb(inject("databaseUrl"), inject("poolMax"));
const { createDirectoryToken, revokeDirectoryToken, rotateDirectoryToken } = await import("@/lib/organisation-admin/directory-tokens");
const { AccountConflictError, AccountDisabledError, upsertUserFromOidcProfile } = await import("@/lib/users/upsert-user-from-oidc-profile");
const routes = { users: await import("@/app/scim/v2/Users/route"), user: await import("@/app/scim/v2/Users/[id]/route") };
const CLI = { actor: "cli" } as const;

let a: Organisation;
let b: Organisation;
let tokens: { a: string; b: string };

beforeAll(async () => {
  ({ a, b, tokens } = await twoDirectories(db, "scim"));
});

afterAll(async () => {
  await removeDirectories(db, [a, b]);
  await db.$disconnect();
  const { getDb } = await import("@/lib/db");
  await getDb().$disconnect();
});

const scim = (path: string, token: string, init: { method?: string; body?: unknown } = {}) => scimRequest(path, token, init.method, init.body);
const list = async (token: string, query: string) => routes.users.GET(scim(`/scim/v2/Users?${query}`, token), routeParams({}));
const create = (token: string, body: unknown) => routes.users.POST(scim("/scim/v2/Users", token, { method: "POST", body }), routeParams({}));
const one = (token: string, id: string, method: "GET" | "PUT" | "PATCH" | "DELETE" = "GET", body?: unknown) =>
  routes.user[method](scim(`/scim/v2/Users/${id}`, token, { method, body }), routeParams({ id }));
const patchOp = (...Operations: object[]) => ({ schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], Operations });
const userBody = (userName: string, extra: object = {}) => ({ schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"], userName, name: { givenName: "Test", familyName: "User" }, emails: [{ value: userName, type: "work", primary: true }], active: true, ...extra });
const emailOf = (label: string) => `${label}-${RUN}@scim.test`;
const activeFamilies = (userId: string) => db.tokenFamily.count({ where: { userId, revokedAt: null } });

describe("the SCIM service provider", () => {
  it("answers only a directory token, in SCIM's error shape (401), and the token never opens another organisation", async () => {
    const missing = await routes.users.GET(new NextRequest("http://localhost:3000/scim/v2/Users"), routeParams({}));
    expect(missing.status).toBe(401);
    expect(missing.headers.get("content-type")).toBe("application/scim+json");
    expect(await missing.json()).toMatchObject({ schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"], status: "401" });
    expect((await list("vsa_scim_" + "x".repeat(43), "")).status).toBe(401);
    const created = (await (await create(tokens.a, userBody(emailOf("only-a")))).json()) as { id: string };
    // B's directory cannot read, change or delete A's user, and does not list it.
    for (const method of ["GET", "PUT", "PATCH", "DELETE"] as const) {
      const answer = await one(tokens.b, created.id, method, method === "PATCH" ? patchOp({ op: "replace", value: { active: false } }) : userBody(emailOf("only-a")));
      expect(answer.status, method).toBe(404);
    }
    const listed = (await (await list(tokens.b, `filter=${encodeURIComponent(`userName eq "${emailOf("only-a")}"`)}`)).json()) as { totalResults: number };
    expect(listed.totalResults).toBe(0);
    expect(await db.user.findUniqueOrThrow({ where: { id: created.id } })).toMatchObject({ disabledAt: null, organisationId: a.id });
  });

  it("Okta's sequence: the connection test, a lookup before create, create, then deactivation without a path revokes every session at once", async () => {
    const test = await list(tokens.a, "startIndex=1&count=2");
    expect(test.status).toBe(200);
    expect(await test.json()).toMatchObject({ schemas: ["urn:ietf:params:scim:api:messages:2.0:ListResponse"], startIndex: 1, itemsPerPage: expect.any(Number) });
    const userName = emailOf("okta-pat");
    const lookup = (await (await list(tokens.a, `filter=${encodeURIComponent(`userName eq "${userName.toUpperCase()}"`)}&startIndex=1&count=100`)).json()) as { totalResults: number };
    expect(lookup.totalResults).toBe(0);
    const created = await create(tokens.a, userBody(userName, { externalId: "00u-okta-pat" }));
    expect(created.status).toBe(201);
    const resource = (await created.json()) as { id: string; active: boolean; meta: { location: string } };
    expect(resource).toMatchObject({ active: true, userName, externalId: "00u-okta-pat" });
    expect(resource.meta.location).toBe(`http://localhost:3000/scim/v2/Users/${resource.id}`);
    expect((await create(tokens.a, userBody(userName.toUpperCase()))).status).toBe(409);
    const found = (await (await list(tokens.a, `filter=${encodeURIComponent(`userName eq "${userName.toUpperCase()}"`)}&startIndex=1&count=100`)).json()) as { totalResults: number; itemsPerPage: number; Resources: { id: string; userName: string; externalId: string; active: boolean }[] };
    expect(found).toMatchObject({ totalResults: 1, itemsPerPage: 1, Resources: [{ id: resource.id, userName, externalId: "00u-okta-pat", active: true }] });
    expect((await (await list(tokens.a, `filter=${encodeURIComponent(`userName eq "${userName}"`)}&startIndex=2`)).json()) as { Resources: unknown[] }).toMatchObject({ totalResults: 1, Resources: [] });

    await browserSignIn(db, resource.id);
    await browserSignIn(db, resource.id);
    expect(await activeFamilies(resource.id)).toBe(2);
    const deactivated = await one(tokens.a, resource.id, "PATCH", patchOp({ op: "replace", value: { active: false } }));
    expect(deactivated.status).toBe(200);
    expect(await deactivated.json()).toMatchObject({ active: false });
    expect(await activeFamilies(resource.id)).toBe(0);
    expect((await db.user.findUniqueOrThrow({ where: { id: resource.id } })).disabledAt).not.toBeNull();
    const events = await db.auditEvent.findMany({ where: { targetUserId: resource.id }, orderBy: { createdAt: "asc" } });
    // Deprovisioning and its revocation are one transaction: one timestamp, so in either order.
    expect(events.map((event) => event.action).sort()).toEqual(["access_revoked", "scim_user_changed", "scim_user_created", "scim_user_deprovisioned"]);
    expect(events.find((event) => event.action === "access_revoked")!.detail).toMatchObject({ source: "directory", reason: "user_deprovisioned", revokedFamilies: 2 });
    expect(events.every((event) => event.actor.startsWith("directory:"))).toBe(true);

    // Active again: the user may sign in again, but the sessions revoked stay revoked.
    const reactivated = await one(tokens.a, resource.id, "PUT", userBody(userName, { externalId: "00u-okta-pat" }));
    expect(await reactivated.json()).toMatchObject({ active: true });
    expect(await activeFamilies(resource.id)).toBe(0);
  });

  it("Entra ID's sequence: filters on externalId, capitalised ops, an email change by path, active as strings, then DELETE", async () => {
    const userName = emailOf("entra-sam");
    const created = (await (await create(tokens.a, userBody(userName, { externalId: "e-Sam-Object-Id", active: "True" }))).json()) as { id: string };
    const byExternalId = (await (await list(tokens.a, `filter=${encodeURIComponent('externalId eq "e-Sam-Object-Id"')}`)).json()) as { totalResults: number; Resources: { id: string }[] };
    expect(byExternalId).toMatchObject({ totalResults: 1, Resources: [{ id: created.id }] });
    const changedEmail = emailOf("entra-sam-new");
    const patched = await one(tokens.a, created.id, "PATCH", patchOp({ op: "Add", path: 'emails[type eq "work"].value', value: changedEmail }, { op: "Replace", path: "displayName", value: "Sam Renamed" }));
    expect(patched.status).toBe(200);
    expect(await db.user.findUniqueOrThrow({ where: { id: created.id } })).toMatchObject({ email: changedEmail, name: "Sam Renamed" });
    expect(await (await one(tokens.a, created.id, "PATCH", patchOp({ op: "Replace", path: "active", value: "False" }))).json()).toMatchObject({ active: false });
    expect((await one(tokens.a, created.id, "PATCH", patchOp({ op: "Frobnicate", path: "active", value: true }))).status).toBe(400);
    expect((await list(tokens.a, `filter=${encodeURIComponent('title sw "x"')}`)).status).toBe(400);

    await browserSignIn(db, created.id);
    const deleted = await one(tokens.a, created.id, "DELETE");
    expect(deleted.status).toBe(204);
    expect(await activeFamilies(created.id)).toBe(0);
    expect((await one(tokens.a, created.id)).status).toBe(404);
    expect(await db.user.findUniqueOrThrow({ where: { id: created.id } })).toMatchObject({ scimUserName: null });
  });

  it("links the person who signs in through the organisation's connection by the verified email: before provisioning (the directory takes them over) and after", async () => {
    const before = emailOf("signed-in-first");
    const { user: early } = await upsertUserFromOidcProfile(db, { provider: `conn-${a.id}`, organisationId: a.id, subject: "sub-first", email: before, emailVerified: true, name: "Early" });
    const adopted = (await (await create(tokens.a, userBody(before))).json()) as { id: string };
    expect(adopted.id).toBe(early.id);

    const after = emailOf("provisioned-first");
    const provisioned = (await (await create(tokens.a, userBody(after))).json()) as { id: string };
    const signedIn = await upsertUserFromOidcProfile(db, { provider: `conn-${a.id}`, organisationId: a.id, subject: "sub-after", email: after, emailVerified: true, name: "After" });
    expect(signedIn).toMatchObject({ created: false, user: { id: provisioned.id } });
    // An IdP that does not vouch for the email gets the account conflict, as before provisioning existed.
    const other = emailOf("provisioned-unverified");
    await create(tokens.a, userBody(other));
    await expect(upsertUserFromOidcProfile(db, { provider: `conn-${a.id}`, organisationId: a.id, subject: "sub-unverified", email: other, emailVerified: false, name: null })).rejects.toBeInstanceOf(AccountConflictError);
    // A deprovisioned user stays out.
    const gone = emailOf("provisioned-gone");
    const goneId = ((await (await create(tokens.a, userBody(gone, { active: false }))).json()) as { id: string }).id;
    await expect(upsertUserFromOidcProfile(db, { provider: `conn-${a.id}`, organisationId: a.id, subject: "sub-gone", email: gone, emailVerified: true, name: null })).rejects.toBeInstanceOf(AccountDisabledError);
    expect(await db.account.count({ where: { userId: goneId } })).toBe(0);
  });

  it("races: two creates of one userName make one user; two PATCHes of one user both apply, one after the other", async () => {
    const userName = emailOf("race");
    const answers = await Promise.all([create(tokens.a, userBody(userName)), create(tokens.a, userBody(userName))]);
    expect(answers.map((answer) => answer.status).sort()).toEqual([201, 409]);
    const id = ((await answers.find((answer) => answer.status === 201)!.json()) as { id: string }).id;
    await Promise.all([
      one(tokens.a, id, "PATCH", patchOp({ op: "replace", path: "name.givenName", value: "Given" })),
      one(tokens.a, id, "PATCH", patchOp({ op: "replace", path: "name.familyName", value: "Family" })),
    ]);
    const resource = (await (await one(tokens.a, id)).json()) as { name: object; meta: { version: string } };
    expect(resource.name).toEqual({ givenName: "Given", familyName: "Family" });
  });

  it("rotates a directory token with an overlap, and a revoked one is refused at once", async () => {
    const made = await createDirectoryToken(db, b.id, "Rotating", CLI);
    if (!made.ok) throw new Error(made.message);
    const rotated = await rotateDirectoryToken(db, b.id, made.value.id, 1, CLI);
    if (!rotated.ok) throw new Error(rotated.message);
    expect((await list(made.value.token, "")).status).toBe(200);
    expect((await list(rotated.value.token, "")).status).toBe(200);
    expect(await rotateDirectoryToken(db, a.id, rotated.value.id, 1, CLI)).toMatchObject({ ok: false, code: "directory_token_not_found" });
    await revokeDirectoryToken(db, b.id, made.value.id, CLI);
    expect((await list(made.value.token, "")).status).toBe(401);
    const ended = await rotateDirectoryToken(db, b.id, rotated.value.id, 0, CLI);
    expect(ended.ok).toBe(true);
    expect((await list(rotated.value.token, "")).status).toBe(401);
    expect(JSON.stringify(await db.directoryToken.findMany({ where: { organisationId: b.id } }))).not.toContain(made.value.token);
  });
});

