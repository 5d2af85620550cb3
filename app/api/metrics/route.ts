import { timingSafeEqual } from "node:crypto";
import { getEnv } from "@/lib/config/env";
import { clientAddress } from "@/lib/http/client-address";
import { METRICS_CONTENT_TYPE, metricsText } from "@/lib/observability/metrics";
import { apiError } from "@/lib/errors/api-errors";
import { NO_STORE } from "@/lib/http/no-store";

export const dynamic = "force-dynamic";

const LOOPBACK = new Set(["127.0.0.1", "::1"]);

function bearerMatches(header: string | null, token: string): boolean {
  const presented = Buffer.from(/^Bearer (.+)$/.exec(header ?? "")?.[1] ?? "");
  const expected = Buffer.from(token);
  return presented.length === expected.length && timingSafeEqual(presented, expected);
}

/** Prometheus metrics: with METRICS_TOKEN as a Bearer token, or from loopback when it is unset. */
export async function GET(request: Request) {
  const env = getEnv();
  const allowed = env.metricsToken ? bearerMatches(request.headers.get("authorization"), env.metricsToken) : LOOPBACK.has(clientAddress(request, env.trustedProxyCount) ?? "");
  if (!allowed) {
    return apiError("forbidden", { message: env.metricsToken ? "Send METRICS_TOKEN as a Bearer token." : "Metrics are served to loopback only; set METRICS_TOKEN to scrape from elsewhere." });
  }
  return new Response(await metricsText(), { headers: { "Content-Type": METRICS_CONTENT_TYPE, ...NO_STORE } });
}
