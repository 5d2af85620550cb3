import type { NextRequest } from "next/server";
import { getDb } from "@/lib/db";
import { backToSetup, setupFormStep } from "@/lib/organisation-admin/setup-request";
import { checkSetupDomains } from "@/lib/organisation-admin/setup-steps";

/** The setup page's "Check DNS": looks the connection's domains' TXT records up now. */
export async function POST(request: NextRequest) {
  return setupFormStep(request, async ({ link, env, auditRequest }) => {
    const checked = await checkSetupDomains(getDb(), env, link, auditRequest);
    if (!checked.ok) return backToSetup(env, { error: checked.code });
    const [failed] = checked.value.unverified;
    return failed ? backToSetup(env, { error: failed.code, detail: `${failed.domain}: ${failed.message}`.slice(0, 300) }) : backToSetup(env, { verified: "1" });
  });
}
