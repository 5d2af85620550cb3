// npm run orgs -- list | create | add-domain | verify-domain | add-connection | disable-connection | enable-connection
//
// The operator's way to set up organisations: their domains and their identity providers.
// Every change goes through the functions the console and the API use (lib/organisation-admin/),
// with the same checks (live discovery, sealed secrets, domains proven by DNS) and an audit
// event with actor "cli". Run with `tsx --conditions=react-server` (package.json).
import { readFile } from "node:fs/promises";
import { text } from "node:stream/consumers";
import { ConfigurationError, loadOrganisationsEnv } from "../../lib/config/env";
import { ORGS_CLI_USAGE, parseOrgsCliArguments } from "../../lib/organisation-admin/orgs-cli-arguments";
import { runOrgsCommand } from "../../lib/organisation-admin/run-orgs-command";
import { operatorDatabaseUrl, withOperatorDatabase } from "./operator-database";

const output = { out: (line: string) => console.log(line), err: (line: string) => console.error(line) };

const readSecret = (path: string) => (path === "-" ? text(process.stdin) : readFile(path, "utf8"));

async function main(): Promise<number> {
  const parsed = parseOrgsCliArguments(process.argv.slice(2));
  if (!parsed.ok) {
    output.err(`orgs: ${parsed.message}\n\n${ORGS_CLI_USAGE}`);
    return 2;
  }
  if (parsed.command.kind === "help") {
    output.out(ORGS_CLI_USAGE);
    return 0;
  }
  let database, env;
  try {
    database = operatorDatabaseUrl();
    env = loadOrganisationsEnv(process.env);
  } catch (error) {
    if (!(error instanceof ConfigurationError)) throw error;
    output.err(`orgs: ${error.message}`);
    return 1;
  }
  const command = parsed.command;
  const settings = env;
  return withOperatorDatabase("orgs", database, (db) => runOrgsCommand(db, settings, command, output, readSecret));
}

process.exitCode = await main();
