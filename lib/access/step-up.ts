/**
 * Step-up authentication (RFC 9470): a route may ask for an authentication at the IdP no older
 * than `reauthenticateWithinSeconds`, and/or of one of the classes in `acr`. What a session
 * satisfies is decided from its own record of its last authentication (`auth_time` and `acr`
 * of the ID token that opened or stepped it up), never from the request. Not applied to routes
 * yet: the policy table, the browser's round trip through the IdP and the audit come next.
 */
export type StepUpPolicy = { reauthenticateWithinSeconds?: number; acr?: readonly string[] };

/** The session's last authentication at the IdP: epoch seconds, and the class the ID token stated. */
export type Authentication = { authTime: number | null; acr: string | null };

export type StepUpVerdict = { ok: true } | { ok: false; code: "insufficient_user_authentication"; reason: "too_old" | "no_auth_time" | "acr"; maxAge?: number; acrValues?: readonly string[] };

/** Whether `authentication` satisfies `policy` at `now` (epoch seconds). */
export function evaluateStepUp(policy: StepUpPolicy, authentication: Authentication, now = Math.floor(Date.now() / 1000)): StepUpVerdict {
  const challenge = { code: "insufficient_user_authentication" as const, maxAge: policy.reauthenticateWithinSeconds, acrValues: policy.acr };
  if (policy.reauthenticateWithinSeconds !== undefined) {
    if (authentication.authTime === null) return { ok: false, reason: "no_auth_time", ...challenge };
    if (now - authentication.authTime > policy.reauthenticateWithinSeconds) return { ok: false, reason: "too_old", ...challenge };
  }
  if (policy.acr && policy.acr.length > 0 && (authentication.acr === null || !policy.acr.includes(authentication.acr))) return { ok: false, reason: "acr", ...challenge };
  return { ok: true };
}

/** RFC 9470 §3: the challenge a client reacts to by sending the person through the IdP again. */
export function stepUpChallenge(verdict: Extract<StepUpVerdict, { ok: false }>, realm: string): string {
  const parts = [`Bearer realm="${realm}"`, `error="insufficient_user_authentication"`, `error_description="A more recent or stronger authentication is required"`];
  if (verdict.maxAge !== undefined) parts.push(`max_age=${verdict.maxAge}`);
  if (verdict.acrValues && verdict.acrValues.length > 0) parts.push(`acr_values="${verdict.acrValues.join(" ")}"`);
  return parts.join(", ");
}
