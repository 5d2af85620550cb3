import { isBrowserNavigation } from "../http/browser-navigation";
import { apiError } from "../errors/api-errors";

/**
 * The refusal of a request over its limit: 429 JSON `rate_limited` with Retry-After for
 * API clients; for a person's browser, a 303 to the sign-in error page, which explains it.
 */
export function rateLimitedResponse(request: Request, retryAfterSeconds: number, appUrl: string): Response {
  if (isBrowserNavigation(request)) {
    return new Response(null, { status: 303, headers: { Location: `${appUrl}/signin/error?error=rate_limited`, "Cache-Control": "no-store" } });
  }
  return apiError("rate_limited", { message: `Too many requests: try again in ${retryAfterSeconds} seconds.`, headers: { "Retry-After": String(retryAfterSeconds) } });
}
