import { ROLES, isRole, type Role } from "../roles/roles";
import { USER_STATUSES, type UserStatus } from "./user-list-query";

export const USERS_CLI_USAGE = `Usage: npm run users -- COMMAND

  list [--role ROLE] [--status active|disabled]   every user, newest first
  set-role EMAIL ROLE                             ROLE: ${ROLES.join(", ")}
  disable EMAIL                                   ends every session and API token of theirs
  enable EMAIL                                    lets them sign in again

Against DATABASE_URL (in development, without it: the embedded database of \`npm run dev\`).
Exit codes: 0 done, 1 refused or failed (unknown email, last admin, database), 2 usage.`;

export type UsersCommand =
  | { kind: "help" }
  | { kind: "list"; role?: Role; status?: UserStatus }
  | { kind: "set-role"; email: string; role: Role }
  | { kind: "disable"; email: string }
  | { kind: "enable"; email: string };

export type UsersCliArguments = { ok: true; command: UsersCommand } | { ok: false; message: string };

const unknownRole = (value: string) => `unknown role "${value}": use one of ${ROLES.join(", ")}`;

function parseListOptions(options: string[]): UsersCliArguments {
  const command: Extract<UsersCommand, { kind: "list" }> = { kind: "list" };
  for (let index = 0; index < options.length; index += 2) {
    const [name, value] = [options[index]!, options[index + 1]];
    if (name !== "--role" && name !== "--status") return { ok: false, message: `unknown option "${name}" for list: use --role or --status` };
    if (value === undefined || value.startsWith("--")) return { ok: false, message: `${name} needs a value` };
    if (name === "--role") {
      if (!isRole(value)) return { ok: false, message: unknownRole(value) };
      command.role = value;
    } else {
      if (!(USER_STATUSES as readonly string[]).includes(value)) return { ok: false, message: `unknown status "${value}": use ${USER_STATUSES.join(" or ")}` };
      command.status = value as UserStatus;
    }
  }
  return { ok: true, command };
}

/** `npm run users -- …`'s arguments as a command, or what is wrong with them. */
export function parseUsersCliArguments(args: string[]): UsersCliArguments {
  const [name, ...rest] = args;
  const arity = (count: number, shape: string): UsersCliArguments | null =>
    rest.length === count ? null : { ok: false, message: `${name} takes ${shape} (got ${rest.length === 0 ? "nothing" : rest.map((arg) => `"${arg}"`).join(" ")})` };
  switch (name) {
    case undefined:
      return { ok: false, message: "no command given" };
    case "help":
    case "--help":
    case "-h":
      return { ok: true, command: { kind: "help" } };
    case "list":
      return parseListOptions(rest);
    case "set-role": {
      const wrong = arity(2, "EMAIL ROLE");
      if (wrong) return wrong;
      const [email, role] = rest as [string, string];
      if (!isRole(role)) return { ok: false, message: unknownRole(role) };
      return { ok: true, command: { kind: "set-role", email, role } };
    }
    case "disable":
    case "enable":
      return arity(1, "EMAIL") ?? { ok: true, command: { kind: name, email: rest[0]! } };
    default:
      return { ok: false, message: `unknown command "${name}"` };
  }
}
