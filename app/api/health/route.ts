import { getDb } from "@/lib/db";
import { checkHealth } from "@/lib/health";
import { noStoreJson } from "@/lib/http/no-store";

export const dynamic = "force-dynamic";

export async function GET() {
  const health = await checkHealth(getDb);
  return noStoreJson(health, { status: health.database === "ok" ? 200 : 503 });
}
