import { randomUUID } from "node:crypto";
import { PrismaAdapter } from "@auth/prisma-adapter";
import { afterAll, describe, expect, inject, it } from "vitest";
import { createDb } from "@/lib/db";
import { AccountConflictError, AccountDisabledError, upsertUserFromOidcProfile, findUserByAccount } from "@/lib/users/upsert-user-from-oidc-profile";

const db = createDb(inject("databaseUrl"), inject("poolMax"));
afterAll(() => db.$disconnect());

const uniqueSubject = () => `sub-${randomUUID()}`;
const uniqueEmail = () => `${randomUUID()}@example.test`;

describe("upsertUserFromOidcProfile", () => {
  it("creates the user with role viewer and the (oidc, sub) account on first sign-in", async () => {
    const subject = uniqueSubject();
    const email = uniqueEmail();
    const { user, created } = await upsertUserFromOidcProfile(db, {
      provider: "oidc",
      organisationId: "operator",
      subject,
      email,
      name: "First Person",
      tokens: { id_token: "id-token-1", access_token: "access-1", expires_at: 2_000_000_000 },
    });
    expect(created).toBe(true);
    expect(user).toMatchObject({ email, name: "First Person", role: "viewer" });
    expect(user.lastLoginAt).toBeInstanceOf(Date);

    const account = await db.account.findUnique({ where: { provider_providerAccountId: { provider: "oidc", providerAccountId: subject } } });
    // The IdP's tokens are not kept on the account (nothing reads them there): only what they were.
    expect(account).toMatchObject({ userId: user.id, type: "oidc", id_token: null, access_token: null, refresh_token: null, expires_at: 2_000_000_000 });
  });

  it("never keeps the IdP's tokens on the account, and forgets ones stored before, at a returning user's sign-in", async () => {
    const subject = uniqueSubject();
    const email = uniqueEmail();
    await upsertUserFromOidcProfile(db, { provider: "oidc", organisationId: "operator", subject, email, name: null });
    const where = { provider_providerAccountId: { provider: "oidc", providerAccountId: subject } };
    await db.account.update({ where, data: { access_token: "old-access", refresh_token: "old-refresh", id_token: "old-id" } });
    await upsertUserFromOidcProfile(db, { provider: "oidc", organisationId: "operator", subject, email, name: null, tokens: { id_token: "id-2", access_token: "access-2", refresh_token: "refresh-2", expires_at: 2_000_000_100 } });
    expect(await db.account.findUniqueOrThrow({ where })).toMatchObject({ access_token: null, refresh_token: null, id_token: null, expires_at: 2_000_000_100 });
  });

  it("updates email, name and lastLoginAt on a later sign-in, keeping the same user", async () => {
    const subject = uniqueSubject();
    const first = await upsertUserFromOidcProfile(db, { provider: "oidc", organisationId: "operator", subject, email: uniqueEmail(), name: "Old Name" });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const newEmail = uniqueEmail();
    const second = await upsertUserFromOidcProfile(db, { provider: "oidc", organisationId: "operator", subject, email: newEmail, name: "New Name" });

    expect(second.created).toBe(false);
    expect(second.user.id).toBe(first.user.id);
    expect(second.user).toMatchObject({ email: newEmail, name: "New Name", role: "viewer" });
    expect(second.user.createdAt.getTime()).toBe(first.user.createdAt.getTime());
    expect(second.user.lastLoginAt!.getTime()).toBeGreaterThan(first.user.lastLoginAt!.getTime());
    expect(await db.user.count({ where: { accounts: { some: { providerAccountId: subject } } } })).toBe(1);
  });

  it("keeps an assigned role on later sign-ins", async () => {
    const subject = uniqueSubject();
    const { user } = await upsertUserFromOidcProfile(db, { provider: "oidc", organisationId: "operator", subject, email: uniqueEmail(), name: null });
    await db.user.update({ where: { id: user.id }, data: { role: "campaign_manager" } });
    const again = await upsertUserFromOidcProfile(db, { provider: "oidc", organisationId: "operator", subject, email: user.email, name: null });
    expect(again.user.role).toBe("campaign_manager");
  });

  it.each([
    ["with an email claim", () => uniqueEmail()],
    ["without an email claim", () => null],
  ])("20 concurrent first sign-ins of one subject leave one user and one account (%s)", async (_label, makeEmail) => {
    const subject = uniqueSubject();
    const email = makeEmail();
    const results = await Promise.all(
      Array.from({ length: 20 }, () => upsertUserFromOidcProfile(db, { provider: "oidc", organisationId: "operator", subject, email, name: "Racer" })),
    );
    const accounts = await db.account.findMany({ where: { provider: "oidc", providerAccountId: subject } });
    expect(accounts).toHaveLength(1);
    const users = await db.user.findMany({ where: { accounts: { some: { providerAccountId: subject } } } });
    expect(users).toHaveLength(1);
    expect(new Set(results.map((r) => r.user.id))).toEqual(new Set([users[0]!.id]));
    expect(results.filter((r) => r.created)).toHaveLength(1);
    if (email) expect(await db.user.count({ where: { email } })).toBe(1);
  });

  it("refuses a different subject that claims an existing user's email, and creates nothing", async () => {
    const email = uniqueEmail();
    await upsertUserFromOidcProfile(db, { provider: "oidc", organisationId: "operator", subject: uniqueSubject(), email, name: "Owner" });
    const intruder = uniqueSubject();
    await expect(upsertUserFromOidcProfile(db, { provider: "oidc", organisationId: "operator", subject: intruder, email, name: "Intruder" })).rejects.toBeInstanceOf(
      AccountConflictError,
    );
    expect(await db.account.count({ where: { providerAccountId: intruder } })).toBe(0);
    expect(await db.user.count({ where: { email } })).toBe(1);
  });

  it("refuses a disabled user's sign-in and updates nothing of theirs", async () => {
    const subject = uniqueSubject();
    const { user } = await upsertUserFromOidcProfile(db, { provider: "oidc", organisationId: "operator", subject, email: uniqueEmail(), name: "Before" });
    await db.user.update({ where: { id: user.id }, data: { disabledAt: new Date() } });
    await expect(upsertUserFromOidcProfile(db, { provider: "oidc", organisationId: "operator", subject, email: uniqueEmail(), name: "After" })).rejects.toBeInstanceOf(AccountDisabledError);
    const after = await db.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(after).toMatchObject({ name: "Before", email: user.email, lastLoginAt: user.lastLoginAt });
    // An enabled user is not refused: the check can fail.
    await db.user.update({ where: { id: user.id }, data: { disabledAt: null } });
    await expect(upsertUserFromOidcProfile(db, { provider: "oidc", organisationId: "operator", subject, email: user.email, name: "After" })).resolves.toMatchObject({ created: false });
  });

  it("leaves rows that Auth.js's Prisma adapter finds by account, with the role", async () => {
    const subject = uniqueSubject();
    const { user } = await upsertUserFromOidcProfile(db, { provider: "oidc", organisationId: "operator", subject, email: uniqueEmail(), name: "Adapter" });
    const found = await PrismaAdapter(db).getUserByAccount!({ provider: "oidc", providerAccountId: subject });
    expect(found).toMatchObject({ id: user.id, role: "viewer" });
  });

  it("answers Auth.js's account lookup exactly as the stock Prisma adapter does, in one statement; null for an unknown account", async () => {
    const subject = uniqueSubject();
    await upsertUserFromOidcProfile(db, { provider: "oidc", organisationId: "operator", subject, email: uniqueEmail(), name: "Lookup" });
    const key = { provider: "oidc", providerAccountId: subject };
    expect(await findUserByAccount(db, key)).toEqual(await PrismaAdapter(db).getUserByAccount!(key));
    expect(await findUserByAccount(db, { provider: "oidc", providerAccountId: uniqueSubject() })).toBeNull();
    expect(await findUserByAccount(db, { provider: "other", providerAccountId: subject })).toBeNull();
  });
});
