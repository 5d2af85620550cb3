import type { NextRequest } from "next/server";
import { getDb } from "@/lib/db";
import { backToSetup, setupFormStep } from "@/lib/organisation-admin/setup-request";
import { saveSetupConnection } from "@/lib/organisation-admin/setup-steps";

/** The setup page's IdP settings (issuer, client, secret, domain, roles): saved, checked live, switched off until activation. */
export async function POST(request: NextRequest) {
  return setupFormStep(request, async ({ link, form, env, auditRequest }) => {
    const field = (name: string) => (form.get(name) ?? "").trim();
    const saved = await saveSetupConnection(
      getDb(),
      env,
      link,
      {
        displayName: field("displayName") || `${link.organisation.name} sign-in`,
        issuer: field("issuer"),
        clientId: field("clientId"),
        // As typed: a secret may end in a space.
        clientSecret: form.get("clientSecret") ?? "",
        scopes: field("scopes") || undefined,
        roleClaim: field("roleClaim") || undefined,
        roleMap: field("roleMap") || undefined,
        domain: field("domain"),
      },
      auditRequest,
    );
    return saved.ok ? backToSetup(env, { saved: "1" }) : backToSetup(env, { error: saved.code, detail: saved.message.slice(0, 300) });
  });
}
