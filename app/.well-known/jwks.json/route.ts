import { apiRoute } from "@/lib/http/api-route";
import { getApiTokenKeys } from "@/lib/credentials/api-token-keys";
import { getEnv } from "@/lib/config/env";

export const dynamic = "force-dynamic";

/** The public keys API tokens are signed with, for services that verify them themselves. */
export const GET = apiRoute(async () => {
  const { jwks } = await getApiTokenKeys(getEnv());
  return Response.json(jwks, { headers: { "Cache-Control": "public, max-age=300" } });
});
