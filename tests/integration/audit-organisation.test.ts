import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createDb } from "@/lib/db";
import { addDomain, createOrganisation } from "@/lib/organisation-admin/organisation-admin";
import { endSessionsOfLogoutToken } from "@/lib/sessions/backchannel-logout";
import { endSignIn } from "@/lib/sessions/logout";
import { recordSignInRefused, recordSignInSucceeded } from "@/lib/sign-in/sign-in-audit";
import { upsertUserFromOidcProfile } from "@/lib/users/upsert-user-from-oidc-profile";
import { auditRequest, eventsOf } from "../support/audit-support";
import { twoOrganisations } from "../support/organisation-fixtures";
import { configureProcess } from "../support/process-configuration";
import { RUN, browserSignIn, inHours } from "../support/user-fixtures";

// Minting the fixtures' API tokens reads the process configuration.
await configureProcess("audit-organisation");

const db = createDb(inject("databaseUrl"), inject("poolMax"));
let world: Awaited<ReturnType<typeof twoOrganisations>>;

beforeAll(async () => {
  world = await twoOrganisations(db);
});

afterAll(() => db.$disconnect());

describe("every event is recorded as its organisation's", () => {
  it("sign-in, sign-out, API tokens, a replayed refresh token, back-channel logout: the user's organisation; a refusal before any IdP asserted anyone: none", async () => {
    const { a, b, admins, viewers } = world;
    const { getEnv } = await import("@/lib/config/env");
    const { createApiTokens, refreshApiTokens } = await import("@/lib/sessions/api-tokens");
    const organisationsOf = async (requestId: string) => (await eventsOf(db, requestId)).map((event) => [event.action, event.organisationId]);

    const minted = await db.auditEvent.findFirstOrThrow({ where: { actor: admins.a.id, action: "api_token_minted" } });
    expect(minted.organisationId).toBe(a.id);

    const signIn = auditRequest();
    const claimed = { provider: `connection-${a.id}`, organisationId: a.id, subject: "s", email: viewers.a.email };
    await recordSignInSucceeded(db, { claimed, userId: viewers.a.id, created: false, familyId: "f" }, signIn);
    await recordSignInRefused(db, { code: "account_conflict" }, { claimed }, signIn, true);
    await recordSignInRefused(db, { code: "state_mismatch" }, {}, signIn, true);
    expect(await organisationsOf(signIn.requestId)).toEqual([["sign_in_succeeded", a.id], ["sign_in_refused", a.id], ["sign_in_refused", null]]);

    const mapped = auditRequest();
    const email = `mapped-${RUN}@${a.id}.test`;
    await upsertUserFromOidcProfile(db, { provider: `connection-${a.id}`, organisationId: a.id, subject: `sub-${randomUUID()}`, email, name: null }, { initialAdminEmails: [], idpRole: "admin", request: mapped });
    expect(await organisationsOf(mapped.requestId)).toEqual([["role_changed", a.id]]);

    const signOut = auditRequest();
    const family = await browserSignIn(db, viewers.a.id);
    await endSignIn(db, { userId: viewers.a.id, familyId: family.id, via: "cookie" }, false, signOut);
    expect(await organisationsOf(signOut.requestId)).toEqual([["sign_out", a.id]]);

    const replay = auditRequest();
    const parent = await browserSignIn(db, viewers.b.id);
    const tokens = await createApiTokens(db, getEnv(), { userId: viewers.b.id, role: "viewer", familyId: parent.id, via: "cookie", email: viewers.b.email, name: null, expiresAt: 0 });
    await refreshApiTokens(db, getEnv(), tokens.refresh_token);
    await refreshApiTokens(db, getEnv(), tokens.refresh_token, replay);
    expect(await organisationsOf(replay.requestId)).toEqual([["refresh_token_reused", b.id]]);

    const logout = auditRequest();
    await db.tokenFamily.update({ where: { id: parent.id }, data: { connectionId: `connection-${b.id}`, idpSubject: `s-${parent.id}` } });
    await endSessionsOfLogoutToken(db, { ok: true, connectionId: `connection-${b.id}`, organisationId: b.id, sub: `s-${parent.id}`, jti: randomUUID(), expiresAt: inHours(1) }, logout, Date.now());
    expect(await organisationsOf(logout.requestId)).toEqual([["access_revoked", b.id]]);
  });

  it("an organisation's and its domains' changes: that organisation's", async () => {
    const request = auditRequest();
    const created = await createOrganisation(db, { slug: `org-e-${RUN}`, name: "Organisation E" }, { actor: "cli", request });
    if (!created.ok) throw new Error(created.message);
    expect((await addDomain(db, created.value.id, `e-${RUN}.example`, { actor: "cli", request })).ok).toBe(true);
    expect((await eventsOf(db, request.requestId)).map((event) => [event.action, event.organisationId])).toEqual([
      ["organisation_created", created.value.id],
      ["domain_added", created.value.id],
    ]);
  });
});
