import type { NextRequest } from "next/server";
import { getDb } from "@/lib/db";
import { noStoreRedirect } from "@/lib/http/no-store";
import { clearedSetupLinkCookie } from "@/lib/organisation-admin/setup-link-cookie";
import { backToSetup, setupFormStep } from "@/lib/organisation-admin/setup-request";
import { activateSetup } from "@/lib/organisation-admin/setup-steps";

/** The setup page's "Activate": switches the tested connection on, makes the tester the first admin, and uses the link up. */
export async function POST(request: NextRequest) {
  return setupFormStep(request, async ({ link, env, auditRequest }) => {
    const activated = await activateSetup(getDb(), env, link, auditRequest);
    if (!activated.ok) return backToSetup(env, { error: activated.code, detail: activated.message });
    const response = noStoreRedirect(`${env.authUrl}/signin?${new URLSearchParams({ org: activated.value.slug, setup: "done" })}`, 303);
    const cleared = clearedSetupLinkCookie(env.secureCookies);
    response.cookies.set(cleared.name, cleared.value, cleared.options);
    return response;
  });
}
