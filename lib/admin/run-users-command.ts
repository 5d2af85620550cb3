import "server-only";
import type { Db } from "../db";
import type { Env } from "../config/env";
import { formatUtcMinute } from "../format-utc-minute";
import { EVERY_ORGANISATION } from "../organisations/admin-scope";
import type { AdminUser } from "./admin-user";
import { changeUser } from "./change-user";
import { listUsers } from "./list-users";
import { API_ERRORS } from "../errors/api-errors";
import type { UserChangeRequest } from "./user-change-request";
import { findAdminUser } from "./user-details";
import type { UserListCursor } from "./user-list-cursor";
import { MAX_USER_PAGE_SIZE } from "./user-list-query";
import { terminalSafe } from "./terminal-safe";
import type { UsersCommand } from "./users-cli-arguments";

/** Results go to `out` (a list can be piped on), messages and refusals to `err`. */
export type CommandOutput = { out(line: string): void; err(line: string): void };

/** The CLI is the operator's: every organisation's users. */
const CLI = { actor: "cli", scope: EVERY_ORGANISATION } as const;

function printTable(output: CommandOutput, users: AdminUser[], withHeader: boolean) {
  if (withHeader) output.out(["email", "name", "role", "status", "last sign-in"].join("\t"));
  for (const user of users) output.out([user.email ?? "-", user.name ?? "-", user.role, user.status, formatUtcMinute(user.lastLoginAt)].map(terminalSafe).join("\t"));
}

async function list(db: Db, command: Extract<UsersCommand, { kind: "list" }>, output: CommandOutput): Promise<number> {
  let after: UserListCursor | undefined;
  let total = 0;
  for (;;) {
    const page = await listUsers(db, CLI.scope, { role: command.role, status: command.status, after, limit: MAX_USER_PAGE_SIZE });
    printTable(output, page.users, total === 0);
    total += page.users.length;
    if (!page.nextCursor) break;
    after = page.users.at(-1);
  }
  output.err(`users: ${total} ${total === 1 ? "user" : "users"}.`);
  return 0;
}

const WHAT_CHANGED = {
  "set-role": (email: string, before: AdminUser, after: AdminUser) =>
    before.role === after.role ? `${email} is already ${after.role}; nothing changed.` : `${email} is now ${after.role} (was ${before.role}).`,
  disable: (email: string, before: AdminUser) =>
    before.status === "disabled" ? `${email} is already disabled; nothing changed.` : `${email} is disabled: every session and API token of theirs has ended.`,
  enable: (email: string, before: AdminUser) => (before.status === "active" ? `${email} is already active; nothing changed.` : `${email} is enabled: they can sign in again.`),
};

async function change(db: Db, command: Exclude<UsersCommand, { kind: "list" | "help" }>, roles: Pick<Env, "idpRoleMapping">, output: CommandOutput): Promise<number> {
  // Sign-in stores emails in lower case.
  const email = command.email.toLowerCase();
  const rows = await db.user.findMany({ where: { email }, select: { id: true, organisation: { select: { slug: true } } }, take: 10 });
  if (rows.length > 1) {
    output.err(`users: ${rows.length} users have the email ${email}, in the organisations ${rows.map((row) => row.organisation.slug).join(", ")}: change them in the console, where each organisation's users are listed apart.`);
    return 1;
  }
  const row = rows[0];
  const before = row && (await findAdminUser(db, CLI.scope, row.id));
  if (!row || !before) {
    output.err(`users: no user has the email ${email} (a user exists from their first sign-in on).`);
    return 1;
  }
  const request: UserChangeRequest =
    command.kind === "set-role" ? { role: command.role, version: before.version } : { disabled: command.kind === "disable", version: before.version };
  const outcome = await changeUser(db, row.id, request, { ...CLI, ...roles });
  if (!outcome.ok) {
    const why = outcome.code === "role_managed_by_idp" ? outcome.message : outcome.code === "conflict" ? "changed by someone else meanwhile; run the command again." : API_ERRORS[outcome.code].message;
    output.err(`users: ${email}: ${why} (${outcome.code})`);
    return 1;
  }
  output.out(WHAT_CHANGED[command.kind](email, before, outcome.user));
  return 0;
}

/**
 * `npm run users`'s commands, by the same functions and rules as the API, with the audit actor
 * "cli". Returns the exit code. Every message is printed terminal-safe (the list's fields each).
 */
export async function runUsersCommand(db: Db, command: Exclude<UsersCommand, { kind: "help" }>, roles: Pick<Env, "idpRoleMapping">, output: CommandOutput): Promise<number> {
  if (command.kind === "list") return list(db, command, { out: output.out, err: (line) => output.err(terminalSafe(line)) });
  return change(db, command, roles, { out: (line) => output.out(terminalSafe(line)), err: (line) => output.err(terminalSafe(line)) });
}
