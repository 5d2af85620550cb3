import { getEnv } from "@/lib/config/env";
import { schemas } from "@/lib/scim/scim-discovery";
import { scimJson } from "@/lib/scim/scim-response";

/** RFC 7644 §4: the same for every organisation, and no secret, so it asks for no token. */
export function GET() {
  return scimJson(schemas(getEnv().authUrl));
}
