// Liveness: the process answers. No database call (that is /api/health, readiness).
export function GET() {
  return Response.json({ status: "ok" }, { headers: { "Cache-Control": "no-store" } });
}
