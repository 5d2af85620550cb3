import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, inject, it } from "vitest";
import { createBrowserFamily } from "@/lib/auth/sessions/token-families";
import { AccountConflictError, AccountDisabledError, upsertUserFromOidcProfile, type OidcSignIn } from "@/lib/users/upsert-user-from-oidc-profile";
import { countingDatabase } from "../support/counting-database";

const database = countingDatabase(inject("databaseUrl"), inject("poolMax"));
const db = database.db;
afterAll(() => database.close());

const tokens = (suffix: string) => ({ access_token: `at-${suffix}`, refresh_token: `rt-${suffix}`, id_token: `id-${suffix}`, expires_at: 2_000_000_000, token_type: "bearer", scope: "openid" });
const openFamily = (tx: Parameters<typeof createBrowserFamily>[0], user: { id: string }) =>
  createBrowserFamily(tx, { userId: user.id, idpSubject: "s", idpSessionId: null, idToken: null, expiresAt: new Date(Date.now() + 3_600_000) });

function signInOf(overrides: Partial<OidcSignIn> = {}): OidcSignIn {
  return { provider: "oidc", subject: `sub-${randomUUID()}`, email: `${randomUUID()}@example.test`, name: "Round Trip", tokens: tokens("first"), ...overrides };
}

describe("a sign-in's cost in the database", () => {
  it("a returning user's sign-in, family included, is one transaction of four round trips", async () => {
    const first = signInOf();
    const created = await upsertUserFromOidcProfile(db, first, undefined, openFamily);
    expect(created.created).toBe(true);

    const again = { ...first, name: "Renamed", tokens: tokens("second") };
    const { result, statements } = await database.count(() => upsertUserFromOidcProfile(db, again, undefined, openFamily));
    expect(statements.map((statement) => statement.trim().split(/\s+/)[0]!.toUpperCase())).toEqual(["BEGIN", "WITH", "INSERT", "COMMIT"]);
    expect(result).toMatchObject({ created: false, user: { id: created.user.id, name: "Renamed", email: first.email, role: "viewer" } });
    expect(result.then).toEqual({ id: expect.any(String) });
    const account = await db.account.findUniqueOrThrow({ where: { provider_providerAccountId: { provider: "oidc", providerAccountId: first.subject } } });
    expect(account).toMatchObject({ access_token: "at-second", refresh_token: "rt-second", id_token: "id-second" });
    expect((await db.user.findUniqueOrThrow({ where: { id: created.user.id } })).lastLoginAt!.getTime()).toBeGreaterThan(created.user.lastLoginAt!.getTime() - 1);
  });

  it("takes the careful path when the one statement must not decide: disabled, email taken, a role to record", async () => {
    const disabled = signInOf();
    const { user } = await upsertUserFromOidcProfile(db, disabled);
    await db.user.update({ where: { id: user.id }, data: { disabledAt: new Date() } });
    await expect(upsertUserFromOidcProfile(db, disabled)).rejects.toBeInstanceOf(AccountDisabledError);
    expect((await db.account.findFirstOrThrow({ where: { providerAccountId: disabled.subject } })).access_token).toBe("at-first");

    const owner = signInOf();
    await upsertUserFromOidcProfile(db, owner);
    const other = signInOf();
    await upsertUserFromOidcProfile(db, other);
    await expect(upsertUserFromOidcProfile(db, { ...other, email: owner.email, tokens: tokens("stolen") })).rejects.toBeInstanceOf(AccountConflictError);
    expect((await db.account.findFirstOrThrow({ where: { providerAccountId: other.subject } })).access_token).toBe("at-first");

    const mapped = signInOf();
    const { user: viewer } = await upsertUserFromOidcProfile(db, mapped);
    const promoted = await upsertUserFromOidcProfile(db, mapped, { initialAdminEmails: [], idpRole: "campaign_manager", request: { requestId: `req-${randomUUID()}` } });
    expect(promoted.user.role).toBe("campaign_manager");
    expect(await db.auditEvent.count({ where: { targetUserId: viewer.id, action: "role_changed" } })).toBe(1);
    // Once the role matches the mapping, the one statement serves again.
    const { statements } = await database.count(() => upsertUserFromOidcProfile(db, mapped, { initialAdminEmails: [], idpRole: "campaign_manager" }));
    expect(statements).toHaveLength(3);
  });
});
