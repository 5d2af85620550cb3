import { apiRoute } from "@/lib/http/api-route";
import { auditRequestOf } from "@/lib/audit/audit-request";
import { getDb } from "@/lib/db";
import { getEnv } from "@/lib/config/env";
import { readLimitedBody } from "@/lib/http/body-limit";
import { NO_STORE } from "@/lib/http/no-store";
import { limitRequest } from "@/lib/rate-limits/limit-request";
import { acceptSecurityEvent } from "@/lib/shared-signals/accept-security-event";
import type { SetErrorCode } from "@/lib/shared-signals/security-event-token";

/** RFC 8935 §2.3: a refused SET is answered with `err` and `description`. */
const setRefused = (status: number, err: SetErrorCode, description: string) => Response.json({ err, description }, { status, headers: NO_STORE });

/** OpenID Shared Signals, push delivery (RFC 8935): a stream's transmitter sends one SET. */
export const POST = apiRoute(async (request: Request, { params }: { params: Promise<{ streamId: string }> }) => {
  const arrivedAt = Date.now();
  const env = getEnv();
  const refusal = await limitRequest(request, "securityEvents", env);
  if (refusal) return refusal;
  const contentType = request.headers.get("content-type")?.split(";")[0]?.trim().toLowerCase();
  if (contentType !== "application/secevent+jwt") return setRefused(400, "invalid_request", "send the SET as Content-Type: application/secevent+jwt");
  const body = await readLimitedBody(request);
  if (!body.ok) return body.response;
  const token = new TextDecoder().decode(body.bytes).trim();
  if (!token) return setRefused(400, "invalid_request", "the body holds no SET");
  const outcome = await acceptSecurityEvent(getDb(), env, (await params).streamId, token, auditRequestOf(request, env), arrivedAt);
  if (!outcome.ok) return setRefused(outcome.status, outcome.err, outcome.description);
  return new Response(null, { status: 202, headers: NO_STORE });
});
