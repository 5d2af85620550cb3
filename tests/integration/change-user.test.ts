import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createDb, type Db } from "@/lib/db";
import { changeUser } from "@/lib/admin/change-user";
import { AUDIT_TRAIL_DOWN_USER_AGENT, breakAuditTrailFor } from "../support/audit-support";
import { adminContext, sidelineActiveAdmins, signedUpUser } from "../support/user-fixtures";

const databaseUrl = inject("databaseUrl");
const db = createDb(databaseUrl, inject("poolMax"));
// Two app instances, each with its own pool, where the database allows it (PostgreSQL); the
// embedded database is one instance with one connection, and its calls still overlap in time.
const instances: [Db, Db] = inject("multipleInstances") ? [createDb(databaseUrl, inject("poolMax")), createDb(databaseUrl, inject("poolMax"))] : [db, db];
let restoreAdmins: () => Promise<void>;

beforeAll(async () => {
  restoreAdmins = await sidelineActiveAdmins(db);
});

afterAll(async () => {
  await restoreAdmins();
  await Promise.all([...new Set([db, ...instances])].map((client) => client.$disconnect()));
});

const activeAdmins = () => db.user.count({ where: { role: "admin", disabledAt: null } });

/** Demotes every active admin (by SQL), then makes exactly these. */
async function onlyAdmins(...labels: string[]) {
  await db.user.updateMany({ where: { role: "admin", disabledAt: null }, data: { role: "viewer" } });
  return Promise.all(labels.map((label) => signedUpUser(db, label, "admin")));
}

describe("changing a user: roles, disabling, versions", () => {
  it("changes the role, bumps the version, and records who did it, from what, to what", async () => {
    const [admin] = await onlyAdmins("role-admin");
    const target = await signedUpUser(db, "role-target");
    const outcome = await changeUser(db, target.id, { role: "campaign_manager", version: target.version }, adminContext(admin!.id));
    expect(outcome).toMatchObject({ ok: true, user: { id: target.id, role: "campaign_manager", status: "active", version: target.version + 1 } });
    const events = await db.auditEvent.findMany({ where: { targetUserId: target.id } });
    expect(events).toEqual([
      expect.objectContaining({ actor: admin!.id, action: "role_changed", detail: { from: "viewer", to: "campaign_manager" }, ipAddress: "203.0.113.9", userAgent: "integration-test" }),
    ]);
  });

  it("refuses a stale version with conflict and changes nothing", async () => {
    const [admin] = await onlyAdmins("stale-admin");
    const target = await signedUpUser(db, "stale-target");
    expect((await changeUser(db, target.id, { role: "campaign_manager", version: target.version }, adminContext(admin!.id))).ok).toBe(true);
    const stale = await changeUser(db, target.id, { disabled: true, version: target.version }, adminContext(admin!.id));
    expect(stale).toEqual({ ok: false, code: "conflict" });
    expect(await db.user.findUniqueOrThrow({ where: { id: target.id } })).toMatchObject({ disabledAt: null, role: "campaign_manager", version: target.version + 1 });
  });

  it("lets one of two simultaneous edits with the same version through, and refuses the other with conflict", async () => {
    const [admin] = await onlyAdmins("race-edit-admin");
    const target = await signedUpUser(db, "race-edit-target");
    const outcomes = await Promise.all([
      changeUser(instances[0], target.id, { role: "campaign_manager", version: target.version }, adminContext(admin!.id)),
      changeUser(instances[1], target.id, { disabled: true, version: target.version }, adminContext(admin!.id)),
    ]);
    expect(outcomes.map((outcome) => (outcome.ok ? "ok" : outcome.code)).sort()).toEqual(["conflict", "ok"]);
    expect((await db.user.findUniqueOrThrow({ where: { id: target.id } })).version).toBe(target.version + 1);
  });

  it("does nothing, and records nothing, for a change to what the user already is", async () => {
    const [admin] = await onlyAdmins("noop-admin");
    const target = await signedUpUser(db, "noop-target");
    const outcome = await changeUser(db, target.id, { role: "viewer", disabled: false, version: target.version }, adminContext(admin!.id));
    expect(outcome).toMatchObject({ ok: true, user: { version: target.version } });
    expect(await db.auditEvent.count({ where: { targetUserId: target.id } })).toBe(0);
  });

  it("answers not_found for a user that does not exist", async () => {
    const [admin] = await onlyAdmins("missing-admin");
    expect(await changeUser(db, "no-such-user", { role: "viewer", version: 1 }, adminContext(admin!.id))).toEqual({ ok: false, code: "not_found" });
  });

  it("refuses role changes while the identity provider manages roles, and still disables and enables", async () => {
    const [admin] = await onlyAdmins("idp-admin");
    const target = await signedUpUser(db, "idp-target");
    const okta = { claim: "groups", roleMap: new Map([["vsa-admins", "admin" as const]]) };
    expect(await changeUser(db, target.id, { role: "admin", version: target.version }, adminContext(admin!.id, okta))).toEqual({
      ok: false,
      code: "role_managed_by_idp",
      message: expect.stringContaining('the ID token\'s "groups" claim'),
    });
    const disabled = await changeUser(db, target.id, { disabled: true, version: target.version }, adminContext(admin!.id, okta));
    expect(disabled).toMatchObject({ ok: true, user: { status: "disabled", role: "viewer" } });
  });

  it("disables and enables, recording each, and writes nothing when the audit event cannot be written", async () => {
    const [admin] = await onlyAdmins("audit-admin");
    const target = await signedUpUser(db, "audit-target");
    const disabled = await changeUser(db, target.id, { disabled: true, version: target.version }, adminContext(admin!.id));
    expect(disabled).toMatchObject({ ok: true, user: { status: "disabled" } });
    const enabled = await changeUser(db, target.id, { disabled: false, version: target.version + 1 }, adminContext(admin!.id));
    expect(enabled).toMatchObject({ ok: true, user: { status: "active", disabledAt: null, version: target.version + 2 } });
    const actions = await db.auditEvent.findMany({ where: { targetUserId: target.id }, orderBy: { createdAt: "asc" }, select: { action: true, actor: true } });
    // Disabling records the change and, in the same transaction (one timestamp), the revocation.
    expect(actions.map((event) => event.action).sort()).toEqual(["access_revoked", "user_disabled", "user_enabled"]);
    expect(actions.every((event) => event.actor === admin!.id)).toBe(true);
    expect(actions.at(-1)!.action).toBe("user_enabled");

    // A real failure of the audit table (a trigger refusing this request's events), not a stand-in.
    const repair = await breakAuditTrailFor(db);
    try {
      const change = { role: "admin" as const, disabled: true, version: target.version + 2 };
      await expect(changeUser(db, target.id, change, adminContext(admin!.id, null, AUDIT_TRAIL_DOWN_USER_AGENT))).rejects.toThrow(/the audit trail is unavailable/);
    } finally {
      await repair();
    }
    expect(await db.user.findUniqueOrThrow({ where: { id: target.id } })).toMatchObject({ role: "viewer", disabledAt: null, version: target.version + 2 });
  });
});

describe("there is always an active admin", () => {
  it("refuses to demote or disable the last active admin (last_admin), and allows it once there is another", async () => {
    const [alone] = await onlyAdmins("last-admin");
    expect(await changeUser(db, alone!.id, { role: "campaign_manager", version: alone!.version }, adminContext(alone!.id))).toEqual({ ok: false, code: "last_admin" });
    expect(await changeUser(db, alone!.id, { disabled: true, version: alone!.version }, adminContext(alone!.id))).toEqual({ ok: false, code: "last_admin" });
    // A disabled admin does not count.
    const disabledAdmin = await signedUpUser(db, "disabled-admin", "admin");
    await db.user.update({ where: { id: disabledAdmin.id }, data: { disabledAt: new Date() } });
    expect(await changeUser(db, alone!.id, { role: "viewer", version: alone!.version }, adminContext(alone!.id))).toEqual({ ok: false, code: "last_admin" });
    const other = await signedUpUser(db, "other-admin", "admin");
    expect(await changeUser(db, alone!.id, { role: "viewer", version: alone!.version }, adminContext(other.id))).toMatchObject({ ok: true });
    expect(await activeAdmins()).toBe(1);
  });

  it("keeps one when two admins demote or disable each other at the same moment, on two instances", async () => {
    for (let round = 0; round < 6; round++) {
      const [first, second] = await onlyAdmins(`race-${round}-a`, `race-${round}-b`);
      // Half the rounds demote, half disable: both take an admin away.
      const change = (user: typeof first) => (round % 2 === 0 ? { role: "viewer" as const, version: user!.version } : { disabled: true, version: user!.version });
      const outcomes = await Promise.all([
        changeUser(instances[0], first!.id, change(first), adminContext(second!.id)),
        changeUser(instances[1], second!.id, change(second), adminContext(first!.id)),
      ]);
      expect(outcomes.map((outcome) => (outcome.ok ? "ok" : outcome.code)).sort(), `round ${round}`).toEqual(["last_admin", "ok"]);
      expect(await activeAdmins(), `round ${round}`).toBe(1);
    }
  });
});
