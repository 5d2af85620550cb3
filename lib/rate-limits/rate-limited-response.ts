import { isBrowserNavigation } from "../http/browser-navigation";
import { apiError } from "../errors/api-errors";
import { NO_STORE } from "../http/no-store";

/**
 * The refusal of a request over its limit: 429 JSON `rate_limited` with Retry-After for
 * API clients; for a person's browser, a 303 to the sign-in error page, which explains it.
 */
export function rateLimitedResponse(request: Request, retryAfterSeconds: number, appUrl: string): Response {
  if (isBrowserNavigation(request)) {
    return new Response(null, { status: 303, headers: { Location: `${appUrl}/signin/error?error=rate_limited`, ...NO_STORE } });
  }
  return apiError("rate_limited", { message: `Too many requests: try again in ${retryAfterSeconds} seconds.`, headers: { "Retry-After": String(retryAfterSeconds) } });
}
