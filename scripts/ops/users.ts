// npm run users -- list [--role R] [--status S] | set-role EMAIL ROLE | disable EMAIL | enable EMAIL
//
// The operator's way to manage users, and to make the first admin of a fresh install. Every
// change goes through the functions the API uses (lib/admin/change-user.ts): the same rules
// (last admin, roles managed by the IdP: OIDC_ROLE_CLAIM and OIDC_ROLE_MAP are read too), the
// same revocations, an audit event with actor "cli".
// Run with `tsx --conditions=react-server` (package.json), so `server-only` imports resolve.
import { ConfigurationError, loadRoleEnv } from "../../lib/config/env";
import { runUsersCommand } from "../../lib/admin/run-users-command";
import { USERS_CLI_USAGE, parseUsersCliArguments } from "../../lib/admin/users-cli-arguments";
import { operatorDatabaseUrl, withOperatorDatabase } from "./operator-database";

const output = { out: (line: string) => console.log(line), err: (line: string) => console.error(line) };

/** The configuration the command needs: the database, and whether the IdP manages roles (OIDC_ROLE_CLAIM, OIDC_ROLE_MAP). */
function configuration() {
  return { database: operatorDatabaseUrl(), roles: loadRoleEnv(process.env) };
}

async function main(): Promise<number> {
  const parsed = parseUsersCliArguments(process.argv.slice(2));
  if (!parsed.ok) {
    output.err(`users: ${parsed.message}\n\n${USERS_CLI_USAGE}`);
    return 2;
  }
  if (parsed.command.kind === "help") {
    output.out(USERS_CLI_USAGE);
    return 0;
  }
  let database, roles;
  try {
    ({ database, roles } = configuration());
  } catch (error) {
    if (!(error instanceof ConfigurationError)) throw error;
    output.err(`users: ${error.message}`);
    return 1;
  }
  const command = parsed.command;
  return withOperatorDatabase("users", database, (db) => runUsersCommand(db, command, roles, output));
}

process.exitCode = await main();
