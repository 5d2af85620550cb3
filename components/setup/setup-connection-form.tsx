import { BUTTON_CLASSES } from "@/components/sign-in-link";
import type { SetupStatus } from "@/lib/organisation-admin/setup-status";

const input = "mt-1 block w-full max-w-xl rounded-md border border-slate-300 px-3 py-2 text-slate-900 shadow-sm focus:border-indigo-500 focus:outline-none";
const label = "block text-sm font-medium text-slate-800";

/** The IdP's settings, as saved so far (never the secret: it is typed again at each save). */
export function SetupConnectionForm({ connection }: { connection: SetupStatus["connection"] }) {
  const mapping = connection?.idpRoleMapping;
  return (
    <form method="post" action="/api/setup/connection" className="space-y-3" data-testid="setup-connection-form">
      <label className={label}>
        Issuer
        <input name="issuer" required placeholder="https://login.microsoftonline.com/TENANT-ID/v2.0" defaultValue={connection?.issuer} className={input} />
      </label>
      <label className={label}>
        Client id
        <input name="clientId" required defaultValue={connection?.clientId} className={input} />
      </label>
      <label className={label}>
        Client secret {connection ? <span className="font-normal text-slate-500">(saved and never shown: type it again to save changes)</span> : null}
        <input name="clientSecret" type="password" required autoComplete="off" className={input} />
      </label>
      <label className={label}>
        Your work email&apos;s domain
        <input name="domain" required placeholder="example.com" defaultValue={connection?.domains[0]?.domain} className={input} />
      </label>
      <label className={label}>
        Name on the sign-in button
        <input name="displayName" defaultValue={connection?.displayName} className={input} />
      </label>
      <label className={label}>
        Scopes
        <input name="scopes" defaultValue={connection?.scopes ?? "openid email profile"} className={input} />
      </label>
      <fieldset className="space-y-3">
        <legend className="text-sm text-slate-600">Roles from your identity provider (optional; without them, roles are set in the console):</legend>
        <label className={label}>
          Role claim
          <input name="roleClaim" placeholder="groups, roles or realm_access.roles" defaultValue={mapping?.claim} className={input} />
        </label>
        <label className={label}>
          Role map (JSON)
          <input name="roleMap" placeholder='{"VSA.Admin": "admin", "VSA.Viewer": "viewer"}' defaultValue={mapping ? JSON.stringify(Object.fromEntries(mapping.roleMap)) : undefined} className={input} />
        </label>
      </fieldset>
      <button type="submit" className={BUTTON_CLASSES}>
        Save and check
      </button>
    </form>
  );
}
