import { getLogger } from "../observability/logger";
import { apiErrorAnswer } from "../errors/api-errors";
import { toResponse, type Answer } from "../answer";

/**
 * Wraps an /api route handler so that an unexpected failure (the database or the IdP down)
 * answers 503 JSON with a stable code instead of Next's 500 page. Only the message is
 * logged: errors here never carry tokens.
 */
export function apiRoute<Args extends unknown[]>(handler: (...args: Args) => Promise<Response>) {
  return async (...args: Args): Promise<Response> => {
    try {
      return await handler(...args);
    } catch (error) {
      getLogger().error({ event: "api_failed", error: error instanceof Error ? error.message : String(error) });
      return serviceUnavailableResponse();
    }
  };
}

/** How long a client told 503 should wait before trying again, in seconds (Retry-After). */
export const RETRY_AFTER_SECONDS = 5;

/** 503 JSON: a service the console depends on (database or identity provider) is down. */
export function serviceUnavailableResponse(): Response {
  return toResponse(serviceUnavailableAnswer());
}

export function serviceUnavailableAnswer(): Answer {
  return apiErrorAnswer("service_unavailable", { headers: { "Retry-After": String(RETRY_AFTER_SECONDS) } });
}
