import type { LoggerInstance } from "@auth/core/types";
import type { Logger } from "pino";
import { getLogger } from "../observability/logger";

type ErrorWithCause = Error & { type?: string; code?: unknown; cause?: unknown };

/** The class names (and oauth4webapi/jose codes) down an error's cause chain: never a message. */
export function errorNames(error: unknown): string {
  const names: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth < 5; depth++) {
    const { type, code, name } = current as ErrorWithCause;
    names.push(`${type ?? name}${typeof code === "string" ? `(${code})` : ""}`);
    const cause = (current as ErrorWithCause).cause;
    current = cause instanceof Error ? cause : typeof cause === "object" && cause !== null && "err" in cause ? (cause as { err: unknown }).err : undefined;
  }
  return names.join(" <- ");
}

/**
 * Replaces Auth.js's logger. Its default prints error messages, stacks and a JSON dump of
 * every error's cause, and for OAuth failures those causes hold the IdP's token response,
 * the ID token's claims or the authorization code; its debug level prints whole tokens.
 * Here only error class names and codes are printed, and debug output is dropped. The
 * sign-in's own refusals are logged (once, with a reason code) by refuse-sign-in.ts.
 */
export function createAuthLogger(logger: () => Logger): LoggerInstance {
  return {
    error: (error) => logger().error({ event: "authjs_error", error: errorNames(error) }),
    warn: (code) => logger().warn({ event: "authjs_warning", code }),
    debug: () => {},
  };
}

export const authLogger = createAuthLogger(getLogger);
