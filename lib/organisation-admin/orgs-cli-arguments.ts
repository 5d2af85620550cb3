import { isRole, type Role } from "../roles/roles";

export const ORGS_CLI_USAGE = `Usage: npm run orgs -- COMMAND

  list                                      every organisation, its domains and connections
  create SLUG NAME                          a new organisation (NAME quoted if it has spaces)
  add-domain SLUG DOMAIN                    prints the DNS TXT record that proves it
  verify-domain SLUG DOMAIN [--mark]        checks the TXT record now; --mark verifies without DNS (audited)
  add-connection SLUG --issuer URL --client-id ID --client-secret-file PATH --domains D1,D2
                 [--name NAME] [--scopes "openid email profile"] [--role-claim CLAIM --role-map JSON]
                                            checks the IdP's discovery live; the secret is read from
                                            PATH (- for stdin), never from the command line
  change-connection SLUG CONNECTION_ID (the options of add-connection, all of them again)
                                            replaces its settings in place, checked live, the secret sealed again
  disable-connection SLUG CONNECTION_ID [--end-sessions]
  enable-connection SLUG CONNECTION_ID
  setup-link SLUG [--hours N]               a single-use link (24 h, at most 168) for the organisation's
                                            IT admin to set up its connection and become its first admin
  directory-token SLUG [--name NAME]        a bearer token for the organisation's SCIM directory (printed once)
  rotate-directory-token SLUG TOKEN_ID [--overlap-hours N]
                                            a new token; the old one works N hours more (24 by default)
  revoke-directory-token SLUG TOKEN_ID      ends it now
  group-role SLUG GROUP_NAME ROLE|none      the role the directory group's members get (admin, campaign_manager,
                                            viewer); with any set, provisioned users' roles follow their groups
  signal-stream SLUG CONNECTION_ID --issuer URL --jwks-uri URL [--audience AUD]
                                            a Shared Signals stream from the connection's IdP's transmitter;
                                            prints the endpoint it pushes SETs to
  signal-streams SLUG                       the organisation's streams, and each connection's Universal Logout endpoint
  remove-signal-stream SLUG STREAM_ID       its endpoint refuses every SET from now on

Against DATABASE_URL (in development, without it: the embedded database of \`npm run dev\`);
add-connection needs CONNECTION_SECRET_KEY, verify-domain asks DNS_SERVERS (or the system's),
setup-link prints an address under AUTH_URL.
Exit codes: 0 done, 1 refused or failed (the reason's code is printed), 2 usage.`;

/** A connection's settings as add-connection and change-connection take them. */
type ConnectionSettings = {
  slug: string;
  issuer: string;
  clientId: string;
  clientSecretFile: string;
  domains: string[];
  name?: string;
  scopes?: string;
  roleClaim?: string;
  roleMap?: string;
};

export type OrgsCommand =
  | { kind: "help" }
  | { kind: "list" }
  | { kind: "create"; slug: string; name: string }
  | { kind: "add-domain"; slug: string; domain: string }
  | { kind: "verify-domain"; slug: string; domain: string; mark: boolean }
  | ({ kind: "add-connection" } & ConnectionSettings)
  | ({ kind: "change-connection"; connectionId: string } & ConnectionSettings)
  | { kind: "disable-connection"; slug: string; connectionId: string; endSessions: boolean }
  | { kind: "enable-connection"; slug: string; connectionId: string }
  | { kind: "setup-link"; slug: string; hours?: number }
  | { kind: "directory-token"; slug: string; name?: string }
  | { kind: "rotate-directory-token"; slug: string; tokenId: string; overlapHours?: number }
  | { kind: "revoke-directory-token"; slug: string; tokenId: string }
  | { kind: "group-role"; slug: string; group: string; role: Role | null }
  | { kind: "signal-stream"; slug: string; connectionId: string; issuer: string; jwksUri: string; audience?: string }
  | { kind: "signal-streams"; slug: string }
  | { kind: "remove-signal-stream"; slug: string; streamId: string };

export type OrgsCliArguments = { ok: true; command: OrgsCommand } | { ok: false; message: string };

const CONNECTION_OPTIONS = ["--issuer", "--client-id", "--client-secret-file", "--domains", "--name", "--scopes", "--role-claim", "--role-map"] as const;

/** The --name VALUE pairs of `args`, or what is wrong with them. */
function options(args: string[], allowed: readonly string[]): { ok: true; values: Map<string, string> } | { ok: false; message: string } {
  const values = new Map<string, string>();
  for (let index = 0; index < args.length; index += 2) {
    const [name, value] = [args[index]!, args[index + 1]];
    if (!allowed.includes(name)) return { ok: false, message: `unknown option "${name}": use ${allowed.join(", ")}` };
    if (value === undefined || (value.startsWith("--") && value.length > 2)) return { ok: false, message: `${name} needs a value` };
    if (values.has(name)) return { ok: false, message: `${name} is given twice` };
    values.set(name, value);
  }
  return { ok: true, values };
}

function positional(name: string, rest: string[], count: number, shape: string, flags: readonly string[] = []): { ok: true; args: string[]; flags: Set<string> } | { ok: false; message: string } {
  const given = rest.filter((arg) => flags.includes(arg));
  const args = rest.filter((arg) => !flags.includes(arg));
  const unknownFlag = args.find((arg) => arg.startsWith("--"));
  if (unknownFlag) return { ok: false, message: `unknown option "${unknownFlag}" for ${name}${flags.length ? `: use ${flags.join(", ")}` : ""}` };
  if (args.length !== count) return { ok: false, message: `${name} takes ${shape} (got ${args.length === 0 ? "nothing" : args.map((arg) => `"${arg}"`).join(" ")})` };
  return { ok: true, args, flags: new Set(given) };
}

/** add-connection's SLUG and options, or change-connection's SLUG CONNECTION_ID and the same options. */
function parseConnectionCommand(kind: "add-connection" | "change-connection", rest: string[]): OrgsCliArguments {
  const ids = kind === "add-connection" ? 1 : 2;
  const positionals = rest.slice(0, ids);
  if (positionals.length < ids || positionals.some((arg) => arg.startsWith("--"))) return { ok: false, message: `${kind} takes ${ids === 1 ? "SLUG" : "SLUG CONNECTION_ID"} first, then its options` };
  const parsed = options(rest.slice(ids), CONNECTION_OPTIONS);
  if (!parsed.ok) return parsed;
  const values = parsed.values;
  for (const required of ["--issuer", "--client-id", "--client-secret-file", "--domains"]) {
    if (!values.has(required)) return { ok: false, message: `${kind} needs ${required}` };
  }
  const settings = {
    slug: positionals[0]!,
    issuer: values.get("--issuer")!,
    clientId: values.get("--client-id")!,
    clientSecretFile: values.get("--client-secret-file")!,
    domains: values.get("--domains")!.split(",").map((domain) => domain.trim()).filter(Boolean),
    name: values.get("--name"),
    scopes: values.get("--scopes"),
    roleClaim: values.get("--role-claim"),
    roleMap: values.get("--role-map"),
  };
  return { ok: true, command: kind === "add-connection" ? { kind, ...settings } : { kind, connectionId: positionals[1]!, ...settings } };
}

/** `npm run orgs -- …`'s arguments as a command, or what is wrong with them. */
export function parseOrgsCliArguments(argv: string[]): OrgsCliArguments {
  const [name, ...rest] = argv;
  switch (name) {
    case undefined:
      return { ok: false, message: "no command given" };
    case "help":
    case "--help":
    case "-h":
      return { ok: true, command: { kind: "help" } };
    case "list": {
      const parsed = positional(name, rest, 0, "nothing");
      return parsed.ok ? { ok: true, command: { kind: "list" } } : parsed;
    }
    case "create": {
      const parsed = positional(name, rest, 2, "SLUG NAME");
      return parsed.ok ? { ok: true, command: { kind: "create", slug: parsed.args[0]!, name: parsed.args[1]! } } : parsed;
    }
    case "add-domain": {
      const parsed = positional(name, rest, 2, "SLUG DOMAIN");
      return parsed.ok ? { ok: true, command: { kind: "add-domain", slug: parsed.args[0]!, domain: parsed.args[1]! } } : parsed;
    }
    case "verify-domain": {
      const parsed = positional(name, rest, 2, "SLUG DOMAIN", ["--mark"]);
      return parsed.ok ? { ok: true, command: { kind: "verify-domain", slug: parsed.args[0]!, domain: parsed.args[1]!, mark: parsed.flags.has("--mark") } } : parsed;
    }
    case "add-connection":
    case "change-connection":
      return parseConnectionCommand(name, rest);
    case "disable-connection": {
      const parsed = positional(name, rest, 2, "SLUG CONNECTION_ID", ["--end-sessions"]);
      return parsed.ok
        ? { ok: true, command: { kind: "disable-connection", slug: parsed.args[0]!, connectionId: parsed.args[1]!, endSessions: parsed.flags.has("--end-sessions") } }
        : parsed;
    }
    case "enable-connection": {
      const parsed = positional(name, rest, 2, "SLUG CONNECTION_ID");
      return parsed.ok ? { ok: true, command: { kind: "enable-connection", slug: parsed.args[0]!, connectionId: parsed.args[1]! } } : parsed;
    }
    case "setup-link": {
      const [slug, ...optionArgs] = rest;
      if (!slug || slug.startsWith("--")) return { ok: false, message: "setup-link takes SLUG first, then --hours N if not 24" };
      const parsed = options(optionArgs, ["--hours"]);
      if (!parsed.ok) return parsed;
      const hours = parsed.values.get("--hours");
      if (hours !== undefined && !/^\d{1,3}$/.test(hours)) return { ok: false, message: `--hours takes a whole number of hours, not "${hours}"` };
      return { ok: true, command: { kind: "setup-link", slug, hours: hours === undefined ? undefined : Number(hours) } };
    }
    case "directory-token": {
      const [slug, ...optionArgs] = rest;
      if (!slug || slug.startsWith("--")) return { ok: false, message: "directory-token takes SLUG first, then --name NAME if you like" };
      const parsed = options(optionArgs, ["--name"]);
      return parsed.ok ? { ok: true, command: { kind: "directory-token", slug, name: parsed.values.get("--name") } } : parsed;
    }
    case "rotate-directory-token": {
      const [slug, tokenId, ...optionArgs] = rest;
      if (!slug || !tokenId || slug.startsWith("--") || tokenId.startsWith("--")) return { ok: false, message: "rotate-directory-token takes SLUG TOKEN_ID, then --overlap-hours N if not 24" };
      const parsed = options(optionArgs, ["--overlap-hours"]);
      if (!parsed.ok) return parsed;
      const overlap = parsed.values.get("--overlap-hours");
      if (overlap !== undefined && !/^\d{1,3}$/.test(overlap)) return { ok: false, message: `--overlap-hours takes a whole number of hours, not "${overlap}"` };
      return { ok: true, command: { kind: "rotate-directory-token", slug, tokenId, overlapHours: overlap === undefined ? undefined : Number(overlap) } };
    }
    case "group-role": {
      const parsed = positional(name, rest, 3, "SLUG GROUP_NAME ROLE|none");
      if (!parsed.ok) return parsed;
      const role = parsed.args[2]!;
      if (role !== "none" && !isRole(role)) return { ok: false, message: `the role is admin, campaign_manager, viewer or none, not "${role}"` };
      return { ok: true, command: { kind: "group-role", slug: parsed.args[0]!, group: parsed.args[1]!, role: role === "none" ? null : role } };
    }
    case "revoke-directory-token": {
      const parsed = positional(name, rest, 2, "SLUG TOKEN_ID");
      return parsed.ok ? { ok: true, command: { kind: "revoke-directory-token", slug: parsed.args[0]!, tokenId: parsed.args[1]! } } : parsed;
    }
    case "signal-stream": {
      const [slug, connectionId, ...optionArgs] = rest;
      if (!slug || !connectionId || slug.startsWith("--") || connectionId.startsWith("--")) return { ok: false, message: "signal-stream takes SLUG CONNECTION_ID, then --issuer URL --jwks-uri URL [--audience AUD]" };
      const parsed = options(optionArgs, ["--issuer", "--jwks-uri", "--audience"]);
      if (!parsed.ok) return parsed;
      const issuer = parsed.values.get("--issuer");
      const jwksUri = parsed.values.get("--jwks-uri");
      if (!issuer || !jwksUri) return { ok: false, message: "signal-stream needs --issuer (the transmitter's issuer) and --jwks-uri (its keys)" };
      return { ok: true, command: { kind: "signal-stream", slug, connectionId, issuer, jwksUri, audience: parsed.values.get("--audience") } };
    }
    case "signal-streams": {
      const parsed = positional(name, rest, 1, "SLUG");
      return parsed.ok ? { ok: true, command: { kind: "signal-streams", slug: parsed.args[0]! } } : parsed;
    }
    case "remove-signal-stream": {
      const parsed = positional(name, rest, 2, "SLUG STREAM_ID");
      return parsed.ok ? { ok: true, command: { kind: "remove-signal-stream", slug: parsed.args[0]!, streamId: parsed.args[1]! } } : parsed;
    }
    default:
      return { ok: false, message: `unknown command "${name}"` };
  }
}
