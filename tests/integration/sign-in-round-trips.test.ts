import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, inject, it } from "vitest";
import { AccountConflictError, AccountDisabledError, upsertUserFromOidcProfile, type OidcSignIn } from "@/lib/users/upsert-user-from-oidc-profile";
import { createBrowserFamily } from "@/lib/sessions/token-families";
import { countingDatabase } from "../support/counting-database";

const database = countingDatabase(inject("databaseUrl"), inject("poolMax"));
const db = database.db;
afterAll(() => database.close());

const tokens = (suffix: string) => ({ access_token: `at-${suffix}`, refresh_token: `rt-${suffix}`, id_token: `id-${suffix}`, expires_at: 2_000_000_000, token_type: "bearer", scope: `openid ${suffix}` });
const family = () => ({ idpSubject: "s", idpSessionId: "idp-sid", idToken: null, expiresAt: new Date(Date.now() + 3_600_000), ipAddress: "203.0.113.7", userAgent: "RoundTrip/1.0" });
const openFamily: Parameters<typeof upsertUserFromOidcProfile<{ id: string }>>[3] = (tx, user) => createBrowserFamily(tx, { userId: user.id, connectionId: "oidc", ...family() });
const verbs = (statements: string[]) => statements.map((statement) => statement.trim().split(/\s+/)[0]!.toUpperCase());

function signInOf(overrides: Partial<OidcSignIn> = {}): OidcSignIn {
  return { provider: "oidc", organisationId: "operator", subject: `sub-${randomUUID()}`, email: `${randomUUID()}@example.test`, name: "Round Trip", tokens: tokens("first"), ...overrides };
}

describe("a sign-in's cost in the database", () => {
  it("a returning user's sign-in, its token family included, is one transaction of a few statements", async () => {
    const first = signInOf();
    const created = await upsertUserFromOidcProfile(db, first, undefined, openFamily);
    expect(created).toMatchObject({ created: true, also: { id: expect.any(String) } });

    const again = { ...first, name: "Renamed", tokens: tokens("second") };
    const startedAt = Date.now();
    const { result, statements } = await database.count(() => upsertUserFromOidcProfile(db, again, undefined, openFamily));
    // The user and account updated in one statement (which reads what the rules need), the family opened.
    expect(verbs(statements)).toEqual(["BEGIN", "WITH", "INSERT", "COMMIT"]);
    expect(result).toMatchObject({ created: false, user: { id: created.user.id, name: "Renamed", email: first.email, role: "viewer" } });
    const opened = await db.tokenFamily.findUniqueOrThrow({ where: { id: result.also!.id } });
    expect(opened).toMatchObject({ kind: "browser", userId: created.user.id, idpSubject: "s", idpSessionId: "idp-sid", ipAddress: "203.0.113.7", userAgent: "RoundTrip/1.0", revokedAt: null });
    // Timestamps land in UTC, as Prisma writes them: the absolute end an hour from now, creation now.
    expect(Math.abs(opened.expiresAt.getTime() - (startedAt + 3_600_000))).toBeLessThan(60_000);
    expect(Math.abs(opened.createdAt.getTime() - startedAt)).toBeLessThan(60_000);
    const account = await db.account.findUniqueOrThrow({ where: { provider_providerAccountId: { provider: "oidc", providerAccountId: first.subject } } });
    // The second answer is recorded (its scope), never its tokens.
    expect(account).toMatchObject({ scope: "openid second", access_token: null, refresh_token: null, id_token: null });
    expect((await db.user.findUniqueOrThrow({ where: { id: created.user.id } })).lastLoginAt!.getTime()).toBeGreaterThan(created.user.lastLoginAt!.getTime() - 1);
  });

  it("refuses a disabled user and a taken email without writing, and records a role the IdP changes once", async () => {
    const disabled = signInOf();
    const { user } = await upsertUserFromOidcProfile(db, disabled);
    await db.user.update({ where: { id: user.id }, data: { disabledAt: new Date() } });
    await expect(upsertUserFromOidcProfile(db, disabled)).rejects.toBeInstanceOf(AccountDisabledError);
    expect((await db.account.findFirstOrThrow({ where: { providerAccountId: disabled.subject } })).scope).toBe("openid first");

    const owner = signInOf();
    await upsertUserFromOidcProfile(db, owner);
    const other = signInOf();
    await upsertUserFromOidcProfile(db, other);
    await expect(upsertUserFromOidcProfile(db, { ...other, email: owner.email, tokens: tokens("stolen") })).rejects.toBeInstanceOf(AccountConflictError);
    expect((await db.account.findFirstOrThrow({ where: { providerAccountId: other.subject } })).scope).toBe("openid first");

    const mapped = signInOf();
    const { user: viewer } = await upsertUserFromOidcProfile(db, mapped);
    const promoted = await upsertUserFromOidcProfile(db, mapped, { initialAdminEmails: [], idpRole: "campaign_manager", request: { requestId: `req-${randomUUID()}` } });
    expect(promoted.user.role).toBe("campaign_manager");
    expect(await db.auditEvent.count({ where: { targetUserId: viewer.id, action: "role_changed" } })).toBe(1);
    // Once the role matches the mapping, a sign-in records nothing more.
    const { statements } = await database.count(() => upsertUserFromOidcProfile(db, mapped, { initialAdminEmails: [], idpRole: "campaign_manager" }));
    expect(verbs(statements)).not.toContain("INSERT");
    expect(await db.auditEvent.count({ where: { targetUserId: viewer.id, action: "role_changed" } })).toBe(1);
  });
});
