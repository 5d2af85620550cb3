import "server-only";
import type { Db } from "../db";
import type { CommandOutput } from "../admin/run-users-command";
import { terminalSafe } from "../admin/terminal-safe";
import { formatUtcMinute } from "../format-utc-minute";
import type { loadOrganisationsEnv } from "../config/env";
import { addDomain, createOrganisation, verifyDomain, type AdminOutcome } from "./organisation-admin";
import { addConnection, changeConnection, setConnectionEnabled } from "./connection-admin";
import { createSetupLink } from "./setup-links";
import { createDirectoryToken, revokeDirectoryToken, rotateDirectoryToken } from "./directory-tokens";
import { setDirectoryGroupRole } from "../users/directory-group-roles";
import { addSignalStream, listSignalStreams, removeSignalStream, universalLogoutEndpoint } from "./signal-streams";
import { ENVIRONMENT_CONNECTION_ID, OPERATOR_ORGANISATION_ID } from "../organisations/operator-organisation";
import type { OrgsCommand } from "./orgs-cli-arguments";

type OrganisationsEnv = ReturnType<typeof loadOrganisationsEnv>;
/** Reads the client secret from a file (or stdin for "-"): never from the command line, where `ps` would show it. */
export type SecretReader = (path: string) => Promise<string>;

const CLI = { actor: "cli" } as const;

function refusedBy(output: CommandOutput, outcome: Extract<AdminOutcome<unknown>, { ok: false }>): number {
  output.err(`orgs: ${outcome.code}: ${outcome.message}.`);
  return 1;
}

async function list(db: Db, output: CommandOutput): Promise<number> {
  const organisations = await db.organisation.findMany({
    orderBy: [{ isOperator: "desc" }, { slug: "asc" }],
    select: {
      slug: true,
      name: true,
      isOperator: true,
      domains: { select: { domain: true, verifiedAt: true }, orderBy: { domain: "asc" } },
      connections: { select: { id: true, displayName: true, issuer: true, enabled: true, lastSignInAt: true }, orderBy: { createdAt: "asc" } },
      _count: { select: { users: true } },
    },
  });
  output.out(["slug", "name", "users", "domains", "connections"].join("\t"));
  for (const organisation of organisations) {
    const domains = organisation.domains.map((domain) => `${domain.domain}${domain.verifiedAt ? "" : " (unverified)"}`).join(", ") || "-";
    const connections =
      [
        ...(organisation.isOperator ? ["oidc: OIDC_ISSUER (environment)"] : []),
        ...organisation.connections.map((c) => `${c.id}: ${c.displayName} ${c.issuer}${c.enabled ? "" : " (disabled)"}, last sign-in ${formatUtcMinute(c.lastSignInAt)}`),
      ].join("; ") || "-";
    output.out([organisation.slug + (organisation.isOperator ? " (operator)" : ""), organisation.name, String(organisation._count.users), domains, connections].map(terminalSafe).join("\t"));
  }
  output.err(`orgs: ${organisations.length} ${organisations.length === 1 ? "organisation" : "organisations"}.`);
  return 0;
}

/** Runs one `npm run orgs` command; answers the exit code. Every change is an audit event with actor "cli". */
export async function runOrgsCommand(db: Db, env: OrganisationsEnv, command: Exclude<OrgsCommand, { kind: "help" }>, output: CommandOutput, readSecret: SecretReader): Promise<number> {
  if (command.kind === "list") return list(db, output);
  if (command.kind === "create") {
    const created = await createOrganisation(db, { slug: command.slug, name: command.name }, CLI);
    if (!created.ok) return refusedBy(output, created);
    output.out(`orgs: organisation ${created.value.slug} created. Next: npm run orgs -- add-domain ${created.value.slug} DOMAIN`);
    return 0;
  }
  const organisation = await db.organisation.findUnique({ where: { slug: command.slug.toLowerCase() }, select: { id: true, slug: true } });
  if (!organisation) return refusedBy(output, { ok: false, code: "organisation_not_found", message: `no organisation has the slug ${command.slug} (npm run orgs -- list)` });
  switch (command.kind) {
    case "add-domain": {
      const added = await addDomain(db, organisation.id, command.domain, CLI);
      if (!added.ok) return refusedBy(output, added);
      output.out(`orgs: to prove ${added.value.domain}, publish this DNS record, then run npm run orgs -- verify-domain ${organisation.slug} ${added.value.domain}`);
      output.out(`${added.value.recordName}\tTXT\t"${added.value.token}"`);
      return 0;
    }
    case "verify-domain": {
      const checked = await verifyDomain(db, env, organisation.id, command.domain, command.mark ? { ...CLI, markedBy: "operator" } : CLI);
      if (!checked.ok) return refusedBy(output, checked);
      const check = checked.value.check;
      if (!check.verified) return refusedBy(output, { ok: false, code: check.code, message: `${checked.value.domain} is not verified: ${check.message}` });
      output.out(`orgs: ${checked.value.domain} is verified for ${organisation.slug}${command.mark ? " (marked by the operator)" : ""}.`);
      return 0;
    }
    case "add-connection":
    case "change-connection": {
      let clientSecret: string;
      try {
        clientSecret = (await readSecret(command.clientSecretFile)).trim();
      } catch (error) {
        return refusedBy(output, { ok: false, code: "secret_unreadable", message: `could not read the client secret from ${command.clientSecretFile} (${(error as NodeJS.ErrnoException).code ?? "error"})` });
      }
      const settings = { displayName: command.name ?? `${organisation.slug} sign-in`, issuer: command.issuer, clientId: command.clientId, clientSecret, scopes: command.scopes, roleClaim: command.roleClaim, roleMap: command.roleMap, domains: command.domains };
      if (command.kind === "change-connection") {
        const changed = await changeConnection(db, env, organisation.id, command.connectionId, settings, CLI);
        if (!changed.ok) return refusedBy(output, changed);
        output.out(`orgs: connection ${changed.value.id} changed (${changed.value.issuer}; domains ${changed.value.domains.join(", ")}; version ${changed.value.version}). Every instance uses it from the next sign-in.`);
        return 0;
      }
      const added = await addConnection(db, env, organisation.id, settings, CLI);
      if (!added.ok) return refusedBy(output, added);
      output.out(`orgs: connection ${added.value.id} added to ${organisation.slug} (${added.value.issuer}; domains ${added.value.domains.join(", ")}). Its people sign in at /signin from now on, on every instance.`);
      output.out(added.value.id);
      return 0;
    }
    case "disable-connection":
    case "enable-connection": {
      const enabled = command.kind === "enable-connection";
      const changed = await setConnectionEnabled(db, organisation.id, command.connectionId, enabled, { endSessions: command.kind === "disable-connection" && command.endSessions }, CLI);
      if (!changed.ok) return refusedBy(output, changed);
      const ended = changed.value.endedSignIns > 0 ? `; ${changed.value.endedSignIns} sign-ins through it ended` : "";
      output.out(`orgs: connection ${command.connectionId} ${enabled ? "enabled" : "disabled: its sign-ins are refused from now on"}${ended}.`);
      return 0;
    }
    case "setup-link": {
      const created = await createSetupLink(db, env.authUrl, organisation.id, { hours: command.hours }, CLI);
      if (!created.ok) return refusedBy(output, created);
      output.err(`orgs: a setup link for ${organisation.slug}, valid until ${formatUtcMinute(created.value.expiresAt)}, once. Send it to the organisation's IT admin privately: whoever holds it sets up the sign-in and becomes the first admin.`);
      output.out(created.value.url);
      return 0;
    }
    case "directory-token": {
      const created = await createDirectoryToken(db, organisation.id, command.name ?? "SCIM provisioning", CLI);
      if (!created.ok) return refusedBy(output, created);
      output.err(`orgs: directory token ${created.value.id} for ${organisation.slug}. Give the directory ${env.authUrl}/scim/v2 as the SCIM base URL and this token (shown once):`);
      output.out(created.value.token);
      return 0;
    }
    case "rotate-directory-token": {
      const rotated = await rotateDirectoryToken(db, organisation.id, command.tokenId, command.overlapHours ?? 24, CLI);
      if (!rotated.ok) return refusedBy(output, rotated);
      output.err(`orgs: directory token ${rotated.value.id} replaces ${command.tokenId}, which works until ${formatUtcMinute(rotated.value.previousExpiresAt)}. The new token (shown once):`);
      output.out(rotated.value.token);
      return 0;
    }
    case "group-role": {
      const set = await setDirectoryGroupRole(db, organisation.id, command.group, command.role, "cli");
      if (!set.ok) return refusedBy(output, set);
      output.out(`orgs: members of the directory group "${command.group}" ${command.role ? `get ${command.role}` : "get no role from it"}; ${set.rolesChanged} ${set.rolesChanged === 1 ? "role" : "roles"} changed.`);
      return 0;
    }
    case "revoke-directory-token": {
      const revoked = await revokeDirectoryToken(db, organisation.id, command.tokenId, CLI);
      if (!revoked.ok) return refusedBy(output, revoked);
      output.out(`orgs: directory token ${command.tokenId} revoked: its next SCIM request is refused.`);
      return 0;
    }
    case "signal-stream": {
      const added = await addSignalStream(db, env, organisation.id, { connectionId: command.connectionId, issuer: command.issuer, jwksUri: command.jwksUri, audience: command.audience }, CLI);
      if (!added.ok) return refusedBy(output, added);
      output.err(`orgs: Shared Signals stream ${added.value.id} for connection ${added.value.connectionId}. Give the transmitter this push endpoint (delivery method urn:ietf:rfc:8935) and audience ${added.value.audience}:`);
      output.out(added.value.endpoint);
      return 0;
    }
    case "signal-streams": {
      output.out(["stream", "connection", "issuer", "endpoint", "audience"].join("\t"));
      for (const stream of await listSignalStreams(db, env, organisation.id)) output.out([stream.id, stream.connectionId, stream.issuer, stream.endpoint, stream.audience].map(terminalSafe).join("\t"));
      const connections = [...(organisation.id === OPERATOR_ORGANISATION_ID ? [ENVIRONMENT_CONNECTION_ID] : []), ...(await db.connection.findMany({ where: { organisationId: organisation.id }, select: { id: true } })).map((c) => c.id)];
      for (const id of connections) output.err(`orgs: Universal Logout for connection ${id}: ${universalLogoutEndpoint(env.authUrl, id)}`);
      return 0;
    }
    case "remove-signal-stream": {
      const removed = await removeSignalStream(db, env, organisation.id, command.streamId, CLI);
      if (!removed.ok) return refusedBy(output, removed);
      output.out(`orgs: Shared Signals stream ${command.streamId} removed: its endpoint refuses every SET from now on.`);
      return 0;
    }
  }
}
