import { noStoreJson } from "@/lib/http/no-store";
// Liveness: the process answers. No database call (that is /api/health, readiness).
// Dynamic like every gated route, so the benchmark's floor is not a prerendered response.
export const dynamic = "force-dynamic";

export function GET() {
  return noStoreJson({ status: "ok" });
}
