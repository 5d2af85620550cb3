import { identityProviderOf } from "@/lib/oidc/identity-provider";
import { environmentConnection } from "@/lib/organisations/connection";
import { getDb } from "@/lib/db";
import { getEnv } from "@/lib/config/env";
import { checkReadiness } from "@/lib/health";
import { isDraining } from "@/lib/http/graceful-shutdown";
import { noStoreJson } from "@/lib/http/no-store";

export const dynamic = "force-dynamic";

/** Readiness: 200 when this instance can serve sign-ins, 503 JSON naming what is not ready. */
export async function GET() {
  const readiness = await checkReadiness(getDb, () => identityProviderOf(environmentConnection(getEnv()), getEnv()), isDraining());
  return noStoreJson(readiness, { status: readiness.status === "ready" ? 200 : 503 });
}
