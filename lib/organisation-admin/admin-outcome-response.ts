import { API_ERRORS, apiError, type ApiErrorCode } from "../errors/api-errors";
import type { AdminOutcome } from "./organisation-admin";

/**
 * An organisation administration refusal as the API's answer: its own code when the API table
 * has it, with the specific message (what to fix); `connection_not_found` and
 * `organisation_not_found` as any unknown id (404 not_found, so ids outside the caller's scope
 * do not leak); anything else as invalid_request, its code in the message.
 */
export function adminRefusalResponse(outcome: Extract<AdminOutcome<unknown>, { ok: false }>): Response {
  if (outcome.code.endsWith("_not_found") && outcome.code !== "domain_not_found") return apiError("not_found", { message: "No such organisation or connection." });
  if (Object.hasOwn(API_ERRORS, outcome.code)) return apiError(outcome.code as ApiErrorCode, { message: `${outcome.message}.` });
  return apiError("invalid_request", { message: `${outcome.code}: ${outcome.message}.` });
}
