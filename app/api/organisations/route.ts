import { guardedRoute } from "@/lib/access/guarded-route";
import { getDb } from "@/lib/db";
import { noStoreJson } from "@/lib/http/no-store";
import { adminScopeOfCaller } from "@/lib/organisations/admin-scope";
import { listOrganisations } from "@/lib/organisation-admin/organisation-views";

/** The caller's organisation (every organisation for the operator's admins): domains, connections and their health, never a secret. */
export const GET = guardedRoute("/api/organisations", "GET", async (_request, caller) => {
  return noStoreJson({ organisations: await listOrganisations(getDb(), adminScopeOfCaller(caller)) });
});
