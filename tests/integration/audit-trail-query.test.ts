import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, inject, it } from "vitest";
import type { AuditAction } from "@/lib/audit/audit-events";
import { AUDIT_PAGE_SIZE, parseAuditQuery, type AuditQuery } from "@/lib/audit/audit-query";
import { listAuditEvents, type AuditEventView } from "@/lib/audit/list-audit-events";
import { createDb } from "@/lib/db";
import { EVERY_ORGANISATION } from "@/lib/organisations/admin-scope";

const db = createDb(inject("databaseUrl"), inject("poolMax"));
afterAll(() => db.$disconnect());

const HOUR = 3_600_000;
const hoursAgo = (hours: number) => new Date(Date.now() - hours * HOUR);

/** A user of their own, so the filters below see only this test's events. */
async function newUser() {
  return db.user.create({ data: { email: `${randomUUID()}@example.test` }, select: { id: true, email: true } });
}

async function addEvents(events: { action: AuditAction; createdAt: Date; actor?: string; targetUserId?: string | null }[]) {
  await db.auditEvent.createMany({ data: events.map((event) => ({ actor: "system", ...event })) });
}

function query(search: string): AuditQuery {
  const parsed = parseAuditQuery(new URLSearchParams(search));
  if (!parsed.ok) throw new Error(`the test's query is invalid: ${parsed.code}`);
  return parsed.query;
}

/** Every page, following nextCursor, as the API's clients do. */
async function allPages(search: string): Promise<AuditEventView[][]> {
  const pages: AuditEventView[][] = [];
  let cursor: string | null = null;
  do {
    const page: { events: AuditEventView[]; nextCursor: string | null } = await listAuditEvents(db, EVERY_ORGANISATION, query(cursor ? `${search}&cursor=${cursor}` : search));
    pages.push(page.events);
    cursor = page.nextCursor;
  } while (cursor && pages.length < 50);
  return pages;
}

describe("listing the audit trail", () => {
  it("lists newest first, with the actor's and target's current emails", async () => {
    const admin = await newUser();
    const user = await newUser();
    await addEvents([
      { action: "sign_in_succeeded", createdAt: hoursAgo(3), targetUserId: user.id },
      { action: "role_changed", createdAt: hoursAgo(2), actor: admin.id, targetUserId: user.id },
      { action: "sign_out", createdAt: hoursAgo(1), actor: user.id, targetUserId: user.id },
    ]);
    const { events, nextCursor } = await listAuditEvents(db, EVERY_ORGANISATION, query(`user=${user.id}`));
    expect(events.map((event) => event.action)).toEqual(["sign_out", "role_changed", "sign_in_succeeded"]);
    expect(events[1]).toMatchObject({ actor: admin.id, actorEmail: admin.email, targetUserId: user.id, targetEmail: user.email });
    expect(events[2]).toMatchObject({ actor: "system", actorEmail: null });
    expect(nextCursor).toBeNull();
  });

  it("filters by user: by id or email, events about them and events by them", async () => {
    const admin = await newUser();
    const user = await newUser();
    await addEvents([
      { action: "role_changed", createdAt: hoursAgo(2), actor: admin.id, targetUserId: user.id },
      { action: "user_disabled", createdAt: hoursAgo(1), actor: admin.id, targetUserId: (await newUser()).id },
    ]);
    const actions = async (search: string) => (await listAuditEvents(db, EVERY_ORGANISATION, query(search))).events.map((event) => event.action);
    expect(await actions(`user=${user.id}`)).toEqual(["role_changed"]);
    expect(await actions(`user=${encodeURIComponent(user.email!.toUpperCase())}`)).toEqual(["role_changed"]);
    expect(await actions(`user=${admin.id}`)).toEqual(["user_disabled", "role_changed"]);
    expect(await actions(`user=${encodeURIComponent(admin.email!)}`)).toEqual(["user_disabled", "role_changed"]);
    // An email nobody has: nothing (rather than everything).
    expect(await actions(`user=nobody-${randomUUID()}@example.test`)).toEqual([]);
  });

  it("filters by action and by time range (from inclusive, to exclusive)", async () => {
    const user = await newUser();
    const at = [hoursAgo(30), hoursAgo(20), hoursAgo(10)];
    await addEvents([
      { action: "sign_in_succeeded", createdAt: at[0]!, targetUserId: user.id },
      { action: "sign_out", createdAt: at[1]!, actor: user.id, targetUserId: user.id },
      { action: "sign_in_succeeded", createdAt: at[2]!, targetUserId: user.id },
    ]);
    const times = async (search: string) => (await listAuditEvents(db, EVERY_ORGANISATION, query(`user=${user.id}&${search}`))).events.map((event) => event.createdAt.toISOString());
    expect(await times("action=sign_in_succeeded")).toEqual([at[2]!.toISOString(), at[0]!.toISOString()]);
    expect(await times("action=api_token_minted")).toEqual([]);
    expect(await times(`from=${at[1]!.toISOString()}`)).toEqual([at[2]!.toISOString(), at[1]!.toISOString()]);
    expect(await times(`to=${at[1]!.toISOString()}`)).toEqual([at[0]!.toISOString()]);
    expect(await times(`from=${at[0]!.toISOString()}&to=${at[2]!.toISOString()}&action=sign_in_succeeded`)).toEqual([at[0]!.toISOString()]);
  });

  it("pages by keyset: every event exactly once, in one stable order, also among events of the same millisecond", async () => {
    const user = await newUser();
    const sameInstant = hoursAgo(5);
    await addEvents([
      ...Array.from({ length: 7 }, () => ({ action: "sign_in_refused" as const, createdAt: sameInstant, targetUserId: user.id })),
      { action: "sign_out", createdAt: hoursAgo(4), targetUserId: user.id },
      { action: "sign_in_succeeded", createdAt: hoursAgo(6), targetUserId: user.id },
    ]);
    const pages = await allPages(`user=${user.id}&limit=3`);
    expect(pages.map((page) => page.length)).toEqual([3, 3, 3]);
    const listed = pages.flat();
    expect(new Set(listed.map((event) => event.id)).size).toBe(9);
    // Newest first; among equal times, by id descending (the order the index gives).
    const expected = await db.auditEvent.findMany({ where: { targetUserId: user.id }, orderBy: [{ createdAt: "desc" }, { id: "desc" }], select: { id: true } });
    expect(listed.map((event) => event.id)).toEqual(expected.map((event) => event.id));
    expect(listed[0]!.action).toBe("sign_out");
    expect(listed.at(-1)!.action).toBe("sign_in_succeeded");

    // A page boundary inside the equal-time run, and events written meanwhile, change nothing that follows.
    const first = await listAuditEvents(db, EVERY_ORGANISATION, query(`user=${user.id}&limit=4`));
    await addEvents([{ action: "sign_out", createdAt: new Date(), targetUserId: user.id }]);
    const rest = await listAuditEvents(db, EVERY_ORGANISATION, query(`user=${user.id}&limit=10&cursor=${first.nextCursor}`));
    expect([...first.events, ...rest.events].map((event) => event.id)).toEqual(expected.map((event) => event.id));
    expect(rest.nextCursor).toBeNull();
  });

  it("gives no cursor when the page is the last one, even when exactly full", async () => {
    const user = await newUser();
    await addEvents([hoursAgo(2), hoursAgo(1)].map((createdAt) => ({ action: "sign_out" as const, createdAt, targetUserId: user.id })));
    expect((await listAuditEvents(db, EVERY_ORGANISATION, query(`user=${user.id}&limit=2`))).nextCursor).toBeNull();
    expect((await listAuditEvents(db, EVERY_ORGANISATION, query(`user=${user.id}&limit=1`))).nextCursor).not.toBeNull();
  });

  it("serves at most a page, newest first, with no filter at all", async () => {
    await addEvents(Array.from({ length: 3 }, () => ({ action: "sign_in_refused" as const, createdAt: new Date() })));
    const { events } = await listAuditEvents(db, EVERY_ORGANISATION, query(""));
    expect(events.length).toBeGreaterThanOrEqual(3);
    expect(events.length).toBeLessThanOrEqual(AUDIT_PAGE_SIZE);
    const times = events.map((event) => event.createdAt.getTime());
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });
});
