import type { Metadata } from "next";
import { AdminTable } from "@/components/admin/admin-table";
import { requirePageUser } from "@/lib/access/page-guard";
import { getDb } from "@/lib/db";
import { formatUtcMinute } from "@/lib/format-utc-minute";
import { showServiceUnavailable } from "@/lib/http/service-unavailable";
import { adminScopeOf } from "@/lib/organisations/admin-scope";
import { listOrganisations } from "@/lib/organisation-admin/organisation-views";
import { verificationRecordName } from "@/lib/organisations/domain-verification";
import { OPERATOR_ORGANISATION_ID } from "@/lib/organisations/operator-organisation";
import { identityProviderHealthOf } from "@/lib/oidc/identity-provider";
import { CheckDomainButton } from "@/components/admin/check-domain-button";
import { ConnectionSwitch } from "@/components/admin/connection-switch";
import { NewOrganisationForm } from "@/components/admin/new-organisation-form";
import { SetupLinkButton } from "@/components/admin/setup-link-button";
import { DirectoryTokenButton, RevokeDirectoryTokenButton } from "@/components/admin/directory-token-button";
import { listDirectoryTokens } from "@/lib/organisation-admin/directory-tokens";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Organisations · VoiceSurveyAgent console" };

const PATH = "/admin/organisations";
const cell = "px-3 py-2 align-top";

/**
 * What this instance last fetched from a connection's IdP (its discovery document, its keys):
 * each instance keeps its own caches, so another instance may show other times.
 */
function IdpCaches({ connectionId }: { connectionId: string }) {
  const health = identityProviderHealthOf(connectionId);
  if (!health) return <>not used on this instance since it started</>;
  const at = (ms: number | null) => (ms === null ? "never" : formatUtcMinute(new Date(ms)));
  return (
    <>
      discovery {at(health.discoveryFetchedAtMs)}; keys {at(health.keysFetchedAtMs)}
      {health.keyCount === null ? "" : ` (${health.keyCount} ${health.keyCount === 1 ? "key" : "keys"})`}
    </>
  );
}

/** The organisation's directory tokens (SCIM): their names and use, never a token; revoke, or make one. */
async function DirectoryTokens({ organisationId, slug, name }: { organisationId: string; slug: string; name: string }) {
  const tokens = await listDirectoryTokens(getDb(), organisationId);
  const active = tokens.filter((token) => !token.expiresAt || token.expiresAt > new Date());
  return (
    <div className="space-y-2" data-testid="directory-tokens">
      <h3 className="font-semibold">Directory (SCIM provisioning)</h3>
      {active.length === 0 ? <p className="text-sm text-slate-600">No directory token: this organisation&apos;s directory does not provision its people.</p> : null}
      <ul className="space-y-1 text-sm">
        {active.map((token) => (
          <li key={token.id} className="flex flex-wrap items-center gap-3">
            <span>
              {token.name} <span className="text-slate-500">(made {formatUtcMinute(token.createdAt)}; last used {formatUtcMinute(token.lastUsedAt)}{token.expiresAt ? `; ends ${formatUtcMinute(token.expiresAt)}` : ""})</span>
            </span>
            <RevokeDirectoryTokenButton slug={slug} tokenId={token.id} name={token.name} />
          </li>
        ))}
      </ul>
      <DirectoryTokenButton slug={slug} name={name} />
    </div>
  );
}

/** The admin's organisation (every organisation for the operator's admins): its domains, its connections and their health. */
export default async function OrganisationsPage() {
  const admin = await requirePageUser(PATH, { role: "admin" });
  const organisations = await listOrganisations(getDb(), adminScopeOf(admin.organisationId)).catch((error: unknown) => {
    console.error("[pages] the organisations could not be read:", error instanceof Error ? error.message : error);
    return showServiceUnavailable(PATH);
  });
  return (
    <section className="space-y-8">
      <h1 className="text-2xl font-bold tracking-tight">Organisations</h1>
      {admin.organisationId === OPERATOR_ORGANISATION_ID ? <NewOrganisationForm /> : null}
      {organisations.map((organisation) => (
        <article key={organisation.id} className="space-y-4" data-testid="organisation" data-slug={organisation.slug}>
          <h2 className="text-xl font-semibold">
            {organisation.name} <span className="text-sm font-normal text-slate-500">({organisation.slug}{organisation.isOperator ? ", the operator organisation" : ""}; {organisation.users} users)</span>
          </h2>
          {organisation.isOperator ? null : <SetupLinkButton slug={organisation.slug} name={organisation.name} />}
          <DirectoryTokens organisationId={organisation.id} slug={organisation.slug} name={organisation.name} />
          <AdminTable caption={`${organisation.name}'s connections`} headers={["connection", "issuer", "domains", "status", "last sign-in", "last refusal", "this instance's IdP caches", ""]}>
            {organisation.connections.map((connection) =>
              "fromEnvironment" in connection ? (
                <tr key={connection.id}>
                  <td className={cell}>{connection.displayName}</td>
                  <td className={cell} colSpan={7}>
                    configured by the environment (OIDC_ISSUER, OIDC_CLIENT_ID…)
                  </td>
                </tr>
              ) : (
                <tr key={connection.id} data-testid="connection">
                  <td className={cell}>
                    {connection.displayName}
                    <div className="font-mono text-xs text-slate-500">{connection.id}</div>
                  </td>
                  <td className={`${cell} font-mono text-xs`}>{connection.issuer}</td>
                  <td className={cell}>{connection.domains.join(", ") || "—"}</td>
                  <td className={cell}>{connection.enabled ? "enabled" : "disabled"}</td>
                  <td className={cell}>{formatUtcMinute(connection.lastSignInAt)}</td>
                  <td className={cell}>{connection.lastRefusalCode ? `${connection.lastRefusalCode}, ${formatUtcMinute(connection.lastRefusalAt)}` : "—"}</td>
                  <td className={cell} data-testid="connection-caches">
                    <IdpCaches connectionId={connection.id} />
                  </td>
                  <td className={cell}>
                    <ConnectionSwitch slug={organisation.slug} connectionId={connection.id} name={connection.displayName} enabled={connection.enabled} />
                  </td>
                </tr>
              ),
            )}
          </AdminTable>
          <AdminTable caption={`${organisation.name}'s domains`} headers={["domain", "verified", "last check", "to prove it, publish", ""]}>
            {organisation.domains.map((domain) => (
              <tr key={domain.domain} data-testid="domain">
                <td className={cell}>{domain.domain}</td>
                <td className={cell}>{domain.verifiedAt ? `${formatUtcMinute(domain.verifiedAt)} (${domain.verifiedBy === "operator" ? "by the operator" : "DNS"})` : "not yet"}</td>
                <td className={cell}>{domain.lastCheckedAt ? `${domain.lastCheckOutcome}, ${formatUtcMinute(domain.lastCheckedAt)}` : "—"}</td>
                <td className={`${cell} font-mono text-xs`}>{domain.verifiedAt ? "—" : `${verificationRecordName(domain.domain)} TXT "${domain.verificationToken}"`}</td>
                <td className={cell}>{domain.verifiedAt ? null : <CheckDomainButton slug={organisation.slug} domain={domain.domain} />}</td>
              </tr>
            ))}
          </AdminTable>
        </article>
      ))}
    </section>
  );
}
