import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, inject, it } from "vitest";
import type { Role } from "@/lib/roles/roles";
import { createDb } from "@/lib/db";
import { waitFor } from "@/scripts/wait-for.mjs";
import { upsertUserFromOidcProfile, type OidcSignIn, type SignInRoleRules } from "@/lib/users/upsert-user-from-oidc-profile";

const db = createDb(inject("databaseUrl"), inject("poolMax"));
afterAll(() => db.$disconnect());

const LISTED = `admin-${randomUUID()}@example.test`;
const REQUEST = { ipAddress: "192.0.2.10", userAgent: "integration-test", requestId: "req-roles" };

/** A person at the IdP: the same subject and email at each sign-in. */
function person(email = `${randomUUID()}@example.test`, emailVerified = true): OidcSignIn {
  return { provider: "oidc", organisationId: "operator", subject: `sub-${randomUUID()}`, email, emailVerified, name: "Role Tester" };
}

/** INITIAL_ADMIN_EMAILS lists LISTED; `idpRole` is what the IdP's mapping made of the claims (null: off). */
function rules(idpRole: Role | null = null): SignInRoleRules {
  return { initialAdminEmails: [LISTED, "someone-else@example.test"], idpRole, request: REQUEST };
}

/** Runs `work` while another connection holds the user's row, released once `waiters` sessions of this database wait on a lock. */
async function whileRowLocked<T>(userId: string, waiters: number, work: () => Promise<T>): Promise<T> {
  // Their own connections: the sign-ins may take every connection of the test's pool.
  const locker = createDb(inject("databaseUrl"), 1);
  const observer = createDb(inject("databaseUrl"), 1);
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let locked!: () => void;
  const isLocked = new Promise<void>((resolve) => (locked = resolve));
  const holding = locker.$transaction(
    async (tx) => {
      await tx.$queryRaw`SELECT 1 FROM "User" WHERE "id" = ${userId} FOR UPDATE`;
      locked();
      await released;
    },
    { timeout: 60_000 },
  );
  try {
    await isLocked;
    const result = work();
    result.catch(() => {}); // awaited below; not an unhandled rejection meanwhile
    await waitFor(`${waiters} sign-ins waiting on the user's row`, async () => {
      const [{ count }] = await observer.$queryRaw<[{ count: number }]>`SELECT count(*)::int AS count FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`;
      return count >= waiters;
    }, 30_000);
    release();
    await holding;
    return await result;
  } finally {
    release();
    await Promise.all([locker.$disconnect(), observer.$disconnect()]);
  }
}

function roleEvents(userId: string) {
  return db.auditEvent.findMany({ where: { targetUserId: userId, action: "role_changed" }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
}

describe("INITIAL_ADMIN_EMAILS", () => {
  it("makes a listed, verified email admin at its first sign-in, and records it", async () => {
    const { user, created } = await upsertUserFromOidcProfile(db, person(LISTED), rules());
    expect(created).toBe(true);
    expect(user.role).toBe("admin");
    const events = await roleEvents(user.id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      actor: "system",
      action: "role_changed",
      targetUserId: user.id,
      detail: { from: "viewer", to: "admin", source: "initial_admin" },
      ipAddress: REQUEST.ipAddress,
      userAgent: REQUEST.userAgent,
      requestId: REQUEST.requestId,
    });
  });

  it.each([
    ["the IdP says it is not verified", false],
    ["the IdP does not say it is verified", undefined],
  ])("does not make a listed email admin when %s", async (_label, emailVerified) => {
    const email = `unverified-${randomUUID()}@example.test`;
    const { user } = await upsertUserFromOidcProfile(db, { ...person(email), emailVerified }, { ...rules(), initialAdminEmails: [email] });
    expect(user.role).toBe("viewer");
    expect(await roleEvents(user.id)).toHaveLength(0);
    // The same email, verified, is promoted: the refusal above is the verification's doing.
    const verified = `verified-${randomUUID()}@example.test`;
    const promoted = await upsertUserFromOidcProfile(db, person(verified), { ...rules(), initialAdminEmails: [verified] });
    expect(promoted.user.role).toBe("admin");
  });

  it("leaves an unlisted email viewer", async () => {
    const { user } = await upsertUserFromOidcProfile(db, person(), rules());
    expect(user.role).toBe("viewer");
    expect(await roleEvents(user.id)).toHaveLength(0);
  });

  it("does not promote again at a later sign-in: a listed admin who was demoted stays demoted", async () => {
    const email = `demoted-${randomUUID()}@example.test`;
    const signIn = person(email);
    const listed = { ...rules(), initialAdminEmails: [email] };
    const { user } = await upsertUserFromOidcProfile(db, signIn, listed);
    expect(user.role).toBe("admin");
    await db.user.update({ where: { id: user.id }, data: { role: "campaign_manager" } });

    const again = await upsertUserFromOidcProfile(db, signIn, listed);
    expect(again.created).toBe(false);
    expect(again.user.role).toBe("campaign_manager");
    expect(await roleEvents(user.id)).toHaveLength(1);
  });

  it("does not promote a user who existed before their email was listed", async () => {
    const email = `existing-${randomUUID()}@example.test`;
    const signIn = person(email);
    await upsertUserFromOidcProfile(db, signIn, rules());
    const later = await upsertUserFromOidcProfile(db, signIn, { ...rules(), initialAdminEmails: [email] });
    expect(later.user.role).toBe("viewer");
  });
});

describe("roles from the IdP (OIDC_ROLE_CLAIM, OIDC_ROLE_MAP)", () => {
  it("sets the mapped role at every sign-in, up and down, recording each change once", async () => {
    const signIn = person();
    const first = await upsertUserFromOidcProfile(db, signIn, rules("campaign_manager"));
    expect(first.user.role).toBe("campaign_manager");

    const promoted = await upsertUserFromOidcProfile(db, signIn, rules("admin"));
    expect(promoted.user.role).toBe("admin");
    // An administrator's edit made on the earlier version is now a conflict.
    expect(promoted.user.version).toBe(first.user.version + 1);

    const unchanged = await upsertUserFromOidcProfile(db, signIn, rules("admin"));
    expect(unchanged.user).toMatchObject({ role: "admin", version: promoted.user.version });

    // Nothing maps any more: back to viewer.
    const reset = await upsertUserFromOidcProfile(db, signIn, rules("viewer"));
    expect(reset.user.role).toBe("viewer");
    expect((await db.user.findUniqueOrThrow({ where: { id: first.user.id } })).role).toBe("viewer");

    const events = await roleEvents(first.user.id);
    expect(events.map((event) => event.detail)).toEqual([
      { from: "viewer", to: "campaign_manager", source: "idp_mapping" },
      { from: "campaign_manager", to: "admin", source: "idp_mapping" },
      { from: "admin", to: "viewer", source: "idp_mapping" },
    ]);
    expect(events.every((event) => event.actor === "system" && event.requestId === REQUEST.requestId)).toBe(true);
  });

  it("overrides a role set by hand at the next sign-in", async () => {
    const signIn = person();
    const { user } = await upsertUserFromOidcProfile(db, signIn, rules("viewer"));
    await db.user.update({ where: { id: user.id }, data: { role: "admin" } });
    const again = await upsertUserFromOidcProfile(db, signIn, rules("viewer"));
    expect(again.user.role).toBe("viewer");
    expect((await roleEvents(user.id)).map((event) => event.detail)).toEqual([{ from: "admin", to: "viewer", source: "idp_mapping" }]);
  });

  it("wins over INITIAL_ADMIN_EMAILS at the first sign-in", async () => {
    const email = `listed-mapped-${randomUUID()}@example.test`;
    const listed = (idpRole: Role) => ({ ...rules(idpRole), initialAdminEmails: [email] });
    const { user } = await upsertUserFromOidcProfile(db, person(email), listed("viewer"));
    expect(user.role).toBe("viewer");
    expect(await roleEvents(user.id)).toHaveLength(0);

    const other = `listed-manager-${randomUUID()}@example.test`;
    const manager = await upsertUserFromOidcProfile(db, person(other), { ...rules("campaign_manager"), initialAdminEmails: [other] });
    expect(manager.user.role).toBe("campaign_manager");
    expect((await roleEvents(manager.user.id)).map((event) => event.detail)).toEqual([{ from: "viewer", to: "campaign_manager", source: "idp_mapping" }]);
  });

  it("concurrent sign-ins of one user change the role once and record it once", async () => {
    const signIn = person();
    const { user } = await upsertUserFromOidcProfile(db, signIn, rules("viewer"));
    const signInsAtOnce = () => Promise.all(Array.from({ length: 10 }, () => upsertUserFromOidcProfile(db, signIn, rules("admin"))));
    // On PostgreSQL, another connection holds the user's row until all ten sign-ins wait for
    // it, so they truly overlap (the first would otherwise finish before the others start).
    // The embedded database has one connection: its sign-ins run one after another anyway.
    const results = inject("multipleInstances") ? await whileRowLocked(user.id, 10, signInsAtOnce) : await signInsAtOnce();
    expect(results.every((result) => result.user.role === "admin")).toBe(true);
    expect(await roleEvents(user.id)).toHaveLength(1);
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).version).toBe(user.version + 1);
  });

  it("a role change whose audit event cannot be written fails the sign-in and changes nothing", async () => {
    const signIn = person();
    const { user } = await upsertUserFromOidcProfile(db, signIn, rules("viewer"));
    // A real refusal from the database for this user's events only (other tests may be writing events).
    const suffix = randomUUID().replaceAll("-", "");
    await db.$executeRawUnsafe(
      `CREATE FUNCTION refuse_audit_${suffix}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit trail unavailable'; END $$`,
    );
    await db.$executeRawUnsafe(
      `CREATE TRIGGER refuse_audit_${suffix} BEFORE INSERT ON "AuditEvent" FOR EACH ROW WHEN (NEW."targetUserId" = '${user.id}') EXECUTE FUNCTION refuse_audit_${suffix}()`,
    );
    try {
      await expect(upsertUserFromOidcProfile(db, { ...signIn, name: "Changed" }, rules("admin"))).rejects.toThrow(/audit trail unavailable/);
      expect(await db.user.findUniqueOrThrow({ where: { id: user.id } })).toMatchObject({ role: "viewer", name: "Role Tester", lastLoginAt: user.lastLoginAt });
      // A sign-in that changes no role writes no event, so the audit outage does not lock it out.
      await expect(upsertUserFromOidcProfile(db, signIn, rules("viewer"))).resolves.toMatchObject({ user: { role: "viewer" } });
    } finally {
      await db.$executeRawUnsafe(`DROP TRIGGER refuse_audit_${suffix} ON "AuditEvent"`);
      await db.$executeRawUnsafe(`DROP FUNCTION refuse_audit_${suffix}()`);
    }
    expect(await roleEvents(user.id)).toHaveLength(0);
    const recovered = await upsertUserFromOidcProfile(db, signIn, rules("admin"));
    expect(recovered.user.role).toBe("admin");
    expect(await roleEvents(user.id)).toHaveLength(1);
  });

  it("off (idpRole null) leaves the role as it is", async () => {
    const signIn = person();
    const { user } = await upsertUserFromOidcProfile(db, signIn, rules("admin"));
    await db.user.update({ where: { id: user.id }, data: { role: "campaign_manager" } });
    const again = await upsertUserFromOidcProfile(db, signIn, rules(null));
    expect(again.user.role).toBe("campaign_manager");
  });
});
