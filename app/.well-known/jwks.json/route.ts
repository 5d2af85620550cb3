import { apiRoute } from "@/lib/api-route";
import { getApiTokenKeys } from "@/lib/auth/edge/api-token-keys";
import { getEnv } from "@/lib/env";

export const dynamic = "force-dynamic";

/** The public keys API tokens are signed with, for services that verify them themselves. */
export const GET = apiRoute(async () => {
  const { jwks } = await getApiTokenKeys(getEnv());
  return Response.json(jwks, { headers: { "Cache-Control": "public, max-age=300" } });
});
