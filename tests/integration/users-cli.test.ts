import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createDb } from "@/lib/db";
import { RUN, browserSignIn, sidelineActiveAdmins, signedUpUser } from "../support/user-fixtures";

const db = createDb(inject("databaseUrl"), inject("poolMax"));
let restoreAdmins: () => Promise<void>;

beforeAll(async () => {
  restoreAdmins = await sidelineActiveAdmins(db);
});

afterAll(async () => {
  await restoreAdmins();
  await db.$disconnect();
});

/** `npm run users -- …` as an operator runs it, against the test database unless told otherwise. */
function users(args: string[], variables: Record<string, string | undefined> = { DATABASE_URL: inject("databaseUrl") }) {
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: undefined, ...variables };
  return spawnSync("npm", ["run", "--silent", "users", "--", ...args], { env, encoding: "utf8", timeout: 60_000 });
}

describe("npm run users", () => {
  it("makes the first admin of an install, through the same rules, recorded with the actor cli", async () => {
    await db.user.updateMany({ where: { role: "admin", disabledAt: null }, data: { role: "viewer" } });
    const first = await signedUpUser(db, "cli-first");
    const run = users(["set-role", first.email!.toUpperCase(), "admin"]);
    expect(run.stderr).toBe("");
    expect(run.stdout.trim()).toBe(`${first.email} is now admin (was viewer).`);
    expect(run.status).toBe(0);
    expect(await db.user.findUniqueOrThrow({ where: { id: first.id } })).toMatchObject({ role: "admin", version: first.version + 1 });
    expect(await db.auditEvent.findFirstOrThrow({ where: { targetUserId: first.id } })).toMatchObject({ actor: "cli", action: "role_changed", detail: { from: "viewer", to: "admin" } });

    const again = users(["set-role", first.email!, "admin"]);
    expect([again.status, again.stdout.trim()]).toEqual([0, `${first.email} is already admin; nothing changed.`]);
  });

  it("refuses to demote or disable the last admin, with exit code 1", async () => {
    await db.user.updateMany({ where: { role: "admin", disabledAt: null }, data: { role: "viewer" } });
    const only = await signedUpUser(db, "cli-only-admin", "admin");
    for (const args of [["set-role", only.email!, "viewer"], ["disable", only.email!]]) {
      const run = users(args);
      expect(run.status, args.join(" ")).toBe(1);
      expect(run.stderr).toContain(`users: ${only.email}: This is the last active administrator`);
      expect(run.stderr).toContain("(last_admin)");
    }
    expect(await db.user.findUniqueOrThrow({ where: { id: only.id } })).toMatchObject({ role: "admin", disabledAt: null });
  });

  it("disables (ending every session) and enables a user, and lists users by role and status", async () => {
    const person = await signedUpUser(db, "cli-person", "campaign_manager");
    const signIn = await browserSignIn(db, person.id);
    const disabled = users(["disable", person.email!]);
    expect([disabled.status, disabled.stdout.trim()]).toEqual([0, `${person.email} is disabled: every session and API token of theirs has ended.`]);
    expect(await db.tokenFamily.findUniqueOrThrow({ where: { id: signIn.id } })).toMatchObject({ revokedReason: "user_disabled" });

    const listed = users(["list", "--role", "campaign_manager", "--status", "disabled"]);
    expect(listed.status).toBe(0);
    expect(listed.stdout.split("\n")[0]).toBe("email\tname\trole\tstatus\tlast sign-in");
    expect(listed.stdout).toMatch(new RegExp(`^${person.email}\\tTest cli-person\\tcampaign_manager\\tdisabled\\t\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC$`, "m"));
    expect(listed.stderr).toMatch(/^users: \d+ users?\.$/m);

    const enabled = users(["enable", person.email!]);
    expect([enabled.status, enabled.stdout.trim()]).toEqual([0, `${person.email} is enabled: they can sign in again.`]);
    const actions = await db.auditEvent.findMany({ where: { targetUserId: person.id }, orderBy: { createdAt: "asc" }, select: { action: true, actor: true } });
    // Disabling records the change and, in the same transaction (one timestamp), the revocation.
    expect(actions.map((event) => event.action).sort()).toEqual(["access_revoked", "user_disabled", "user_enabled"]);
    expect(actions.every((event) => event.actor === "cli")).toBe(true);
    expect(actions.at(-1)!.action).toBe("user_enabled");
  });

  it("prints an IdP-controlled name with tabs, newlines and escape sequences written out: one row per user, no raw control character", async () => {
    const forged = await signedUpUser(db, "cli-forged", "campaign_manager");
    await db.user.update({ where: { id: forged.id }, data: { name: "Eve\tadmin@example.com\tadmin\tactive\n\u001b[31mred\u009b" } });
    const listed = users(["list", "--role", "campaign_manager"]);
    expect(listed.status).toBe(0);
    const rows = listed.stdout.split("\n").filter((row) => row.includes("cli-forged"));
    expect(rows).toEqual([expect.stringContaining(`${forged.email}\tEve\\tadmin@example.com\\tadmin\\tactive\\n\\u001b[31mred\\u009b\tcampaign_manager\t`)]);
    expect(rows[0]!.split("\t")).toHaveLength(5);
    // eslint-disable-next-line no-control-regex -- no raw control character but the table's own tab and newline
    expect(listed.stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    await db.user.update({ where: { id: forged.id }, data: { name: "Test cli-forged" } });
  });

  it("says clearly what is wrong, with a non-zero exit code: unknown email, unknown role, usage", () => {
    const unknownEmail = users(["disable", `nobody-${RUN}@example.test`]);
    expect(unknownEmail.status).toBe(1);
    expect(unknownEmail.stderr).toContain(`users: no user has the email nobody-${RUN}@example.test`);

    const unknownRole = users(["set-role", `nobody-${RUN}@example.test`, "superuser"]);
    expect(unknownRole.status).toBe(2);
    expect(unknownRole.stderr).toContain('users: unknown role "superuser": use one of admin, campaign_manager, viewer');
    expect(unknownRole.stderr).toContain("Usage: npm run users -- COMMAND");

    const noCommand = users([]);
    expect(noCommand.status).toBe(2);
    expect(noCommand.stderr).toContain("users: no command given");
  });

  it("needs DATABASE_URL in production, and names a database it cannot reach without its password", () => {
    const missing = users(["list"], { NODE_ENV: "production" });
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain("DATABASE_URL is required");

    const unreachable = users(["list"], { DATABASE_URL: "postgresql://operator:s3cret-password@127.0.0.1:1/console" });
    expect(unreachable.status).toBe(1);
    expect(unreachable.stderr).toContain("users: could not complete the command against the database at 127.0.0.1:1/console");
    expect(unreachable.stderr + unreachable.stdout).not.toContain("s3cret-password");
  });
});
