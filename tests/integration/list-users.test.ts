import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createApiTokens } from "@/lib/sessions/api-tokens";
import { createDb } from "@/lib/db";
import { listUsers } from "@/lib/admin/list-users";
import { EVERY_ORGANISATION } from "@/lib/organisations/admin-scope";
import { decodeUserListCursor } from "@/lib/admin/user-list-cursor";
import type { UserListQuery } from "@/lib/admin/user-list-query";
import { RUN, browserSignIn, signedUpUser } from "../support/user-fixtures";
import { envWithApiTokenKey } from "../support/api-token-env";

const databaseUrl = inject("databaseUrl");
const db = createDb(databaseUrl, inject("poolMax"));
afterAll(() => db.$disconnect());

// Nine users of this run: createdAt one minute apart, except two sharing a millisecond (the
// id then decides their order), one a campaign manager, one disabled.
const seeded: { id: string; email: string }[] = [];
beforeAll(async () => {
  const base = Date.UTC(2026, 10, 1, 12, 0, 0, 0);
  for (let index = 0; index < 9; index++) {
    const user = await signedUpUser(db, `list${index}`, index === 4 ? "campaign_manager" : "viewer");
    const createdAt = new Date(base + Math.min(index, 7) * 60_000);
    await db.user.update({ where: { id: user.id }, data: { createdAt, name: `Zed${RUN} Number ${index}`, disabledAt: index === 6 ? new Date() : null } });
    seeded.push({ id: user.id, email: user.email! });
  }
});

/** The order the list promises: newest first, then the greater id. */
async function expectedOrder() {
  const rows = await db.user.findMany({ where: { id: { in: seeded.map((user) => user.id) } }, select: { id: true, createdAt: true } });
  return rows.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : -1)).map((row) => row.id);
}

/** Every page of a query, by following nextCursor. */
async function walk(query: Omit<UserListQuery, "after">) {
  const ids: string[] = [];
  let after: UserListQuery["after"];
  for (let pages = 0; pages < 20; pages++) {
    const page = await listUsers(db, EVERY_ORGANISATION, { ...query, after });
    ids.push(...page.users.map((user) => user.id));
    if (!page.nextCursor) return { ids, pages: pages + 1 };
    after = decodeUserListCursor(page.nextCursor)!;
    expect(after).not.toBeNull();
  }
  throw new Error("the list never ended");
}

describe("the administrators' user list", () => {
  it("pages through everyone by keyset, newest first, with no row twice or missing, ties broken by id", async () => {
    const { ids, pages } = await walk({ search: `zed${RUN}`, limit: 2 });
    expect(ids).toEqual(await expectedOrder());
    expect(new Set(ids).size).toBe(ids.length);
    expect(pages).toBe(5);
  });

  it("finds users by a case-insensitive prefix of their email or their name", async () => {
    const byEmail = await listUsers(db, EVERY_ORGANISATION, { search: `LIST3-${RUN.toUpperCase()}`, limit: 50 });
    expect(byEmail.users.map((user) => user.email)).toEqual([`list3-${RUN}@example.test`]);
    const byName = await walk({ search: `zed${RUN} number`, limit: 50 });
    expect(byName.ids.sort()).toEqual(seeded.map((user) => user.id).sort());
    // Not a substring search: the middle of a name or an email finds nothing.
    expect((await listUsers(db, EVERY_ORGANISATION, { search: `number 3`, limit: 50 })).users.filter((user) => user.name?.startsWith(`Zed${RUN}`))).toEqual([]);
  });

  it("takes % and _ in a search literally", async () => {
    expect((await listUsers(db, EVERY_ORGANISATION, { search: `%${RUN}`, limit: 50 })).users).toEqual([]);
    expect((await listUsers(db, EVERY_ORGANISATION, { search: `zed${RUN.slice(0, 4)}_${RUN.slice(5)}`, limit: 50 })).users).toEqual([]);
  });

  it("filters by role and by status", async () => {
    const managers = await listUsers(db, EVERY_ORGANISATION, { search: `zed${RUN}`, role: "campaign_manager", limit: 50 });
    expect(managers.users.map((user) => user.id)).toEqual([seeded[4]!.id]);
    const disabled = await listUsers(db, EVERY_ORGANISATION, { search: `zed${RUN}`, status: "disabled", limit: 50 });
    expect(disabled.users).toEqual([expect.objectContaining({ id: seeded[6]!.id, status: "disabled", disabledAt: expect.any(Date) })]);
    const active = await walk({ search: `zed${RUN}`, status: "active", limit: 3 });
    expect(active.ids).toHaveLength(8);
    expect(active.ids).not.toContain(seeded[6]!.id);
  });

  it("shows each user's role, status, last sign-in, version and active sessions and API tokens", async () => {
    const env = await envWithApiTokenKey(databaseUrl, "list");
    const target = seeded[2]!;
    const signIn = await browserSignIn(db, target.id);
    await browserSignIn(db, target.id, new Date(Date.now() - 1000));
    await createApiTokens(db, env, { userId: target.id, role: "viewer", familyId: signIn.id, via: "cookie", email: target.email, name: null, expiresAt: 0 });
    const [user] = (await listUsers(db, EVERY_ORGANISATION, { search: target.email, limit: 50 })).users;
    expect(user).toEqual({
      id: target.id,
      // The operator organisation's slug.
      organisation: "default",
      email: target.email,
      name: `Zed${RUN} Number 2`,
      role: "viewer",
      status: "active",
      disabledAt: null,
      lastLoginAt: expect.any(Date),
      createdAt: new Date(Date.UTC(2026, 10, 1, 12, 2, 0, 0)),
      version: 1,
      activeSessions: 1,
      activeApiTokens: 1,
    });
  });
});
