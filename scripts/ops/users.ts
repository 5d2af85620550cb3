// npm run users -- list [--role R] [--status S] | set-role EMAIL ROLE | disable EMAIL | enable EMAIL
//
// The operator's way to manage users, and to make the first admin of a fresh install. Every
// change goes through the functions the API uses (lib/admin/change-user.ts): the same rules
// (last admin, roles managed by the IdP: OIDC_ROLE_CLAIM and OIDC_ROLE_MAP are read too), the
// same revocations, an audit event with actor "cli".
// Run with `tsx --conditions=react-server` (package.json), so `server-only` imports resolve.
import { describeDatabase, createDatabase } from "../../lib/db";
import { embeddedDatabaseUrl } from "../../lib/config/dev-defaults.mjs";
import { ConfigurationError, loadDatabaseEnv, loadRoleEnv } from "../../lib/config/env";
import { runUsersCommand } from "../../lib/admin/run-users-command";
import { USERS_CLI_USAGE, parseUsersCliArguments } from "../../lib/admin/users-cli-arguments";

const output = { out: (line: string) => console.log(line), err: (line: string) => console.error(line) };

/** DATABASE_URL; in development without it, the embedded database `npm run dev` serves. */
function databaseUrl(): { url: string; embedded: boolean } {
  if (!process.env.DATABASE_URL?.trim() && process.env.NODE_ENV !== "production") {
    return { url: embeddedDatabaseUrl(Number(process.env.EMBEDDED_DB_PORT) || undefined), embedded: true };
  }
  return { url: loadDatabaseEnv(process.env).databaseUrl, embedded: false };
}

/** The configuration the command needs: the database, and whether the IdP manages roles (OIDC_ROLE_CLAIM, OIDC_ROLE_MAP). */
function configuration() {
  return { database: databaseUrl(), roles: loadRoleEnv(process.env) };
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
  if (database.embedded) output.err(`users: DATABASE_URL is not set: using the embedded database of \`npm run dev\` (${describeDatabase(database.url)}).`);
  const { db, pool } = createDatabase(database.url, 1);
  try {
    return await runUsersCommand(db, parsed.command, roles, output);
  } catch (error) {
    // Prisma's messages start with the call that failed; their last line says why.
    const reason = (error instanceof Error ? error.message : String(error)).split("\n").map((line) => line.trim()).filter(Boolean).at(-1);
    const hint = database.embedded ? " Is `npm run dev` running? It serves the embedded database." : "";
    output.err(`users: could not complete the command against the database at ${describeDatabase(database.url)}: ${reason}.${hint}`);
    return 1;
  } finally {
    // Prisma does not close a pool it was handed; idle connections would hold the process open.
    await db.$disconnect().catch(() => {});
    await pool.end().catch(() => {});
  }
}

process.exitCode = await main();
