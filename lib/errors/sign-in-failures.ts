/**
 * Why a sign-in did not complete, or why a session ended: one stable code each, with what
 * the person reads on /signin/error (or /signin) and what to do next. The callback logs the
 * same code for the operator. Pure data: the pages, the callback and the tests share it.
 */
export const SIGN_IN_FAILURES = {
  idp_unreachable: {
    title: "The sign-in service did not answer",
    detail: "Your organisation's identity provider did not answer in time, or could not be reached.",
    nextStep: "Try again in a minute. If it keeps happening, tell your administrator.",
  },
  idp_error: {
    title: "The sign-in service refused to complete the sign-in",
    detail: "Your organisation's identity provider answered with an error instead of your identity.",
    nextStep: "Start the sign-in again. If it keeps happening, tell your administrator.",
  },
  access_denied: {
    title: "Access denied",
    detail: "The sign-in was cancelled, or your identity provider does not allow you to use this console.",
    nextStep: "If you should have access, ask your administrator.",
  },
  invalid_id_token: {
    title: "Your identity could not be verified",
    detail: "The identity provider sent proof of your identity that the console could not verify, so it did not sign you in.",
    nextStep: "Tell your administrator, quoting the reference below.",
  },
  state_mismatch: {
    title: "This sign-in had expired or was started elsewhere",
    detail: "The console could not match the answer of the identity provider to a sign-in started in this browser (it may have been started in another tab, or too long ago).",
    nextStep: "Start the sign-in again from this page.",
  },
  invalid_callback: {
    title: "The sign-in answer was malformed",
    detail: "The answer that brought you back from the identity provider was incomplete, tampered with, or came from another issuer.",
    nextStep: "Start the sign-in again. If it keeps happening, tell your administrator.",
  },
  account_conflict: {
    title: "This email already belongs to another account",
    detail: "Another user of this console already has the email address your identity provider sent. Accounts are never merged automatically.",
    nextStep: "Ask your administrator to resolve it.",
  },
  domain_not_allowed: {
    title: "This sign-in service may not sign in this email address",
    detail: "The identity provider you signed in at vouched for an email address whose domain it was not given: each organisation's sign-in accepts only the email domains that organisation has proven it owns.",
    nextStep: "Sign in with your work email through your own organisation's sign-in, or ask your administrator to add your domain to this connection.",
  },
  email_not_verified: {
    title: "Your email address was not confirmed",
    detail: "The identity provider did not say it had verified your email address, and this organisation's sign-in needs a verified one.",
    nextStep: "Ask your administrator to have the identity provider send email_verified, or to verify your address there.",
  },
  connection_unavailable: {
    title: "This sign-in is not available",
    detail: "The sign-in you chose does not exist, or has been turned off by its organisation.",
    nextStep: "Start again from the sign-in page. If you should have access, ask your administrator.",
  },
  account_disabled: {
    title: "Your account is disabled",
    detail: "An administrator of this console, or your organisation's directory, has disabled your account.",
    nextStep: "Ask your administrator to enable it.",
  },
  rate_limited: {
    title: "Too many sign-in attempts",
    detail: "This network has started too many sign-ins in a short time.",
    nextStep: "Wait a minute, then try again.",
  },
  server_error: {
    title: "Your sign-in could not be recorded",
    detail: "The console could not complete your sign-in on its side.",
    nextStep: "Try again in a minute. If it keeps happening, tell your administrator.",
  },
  session_ended: {
    title: "Your session has ended",
    detail: "You were signed out: on another device, at your organisation's identity provider, or by an administrator.",
    nextStep: "Sign in again to continue.",
  },
  session_expired: {
    title: "Your session has expired",
    detail: "Sessions last a limited time after you sign in, however active you are.",
    nextStep: "Sign in again to continue.",
  },
  idp_renewal_failed: {
    title: "Your session has ended",
    detail: "Your organisation's identity provider no longer accepts this sign-in (it was revoked or has expired there), so the console could not renew it.",
    nextStep: "Sign in again to continue.",
  },
  idp_renewal_rejected: {
    title: "Your session has ended",
    detail: "Your organisation's identity provider kept refusing to renew this sign-in for several minutes, so the console ended it.",
    nextStep: "Sign in again to continue. If it happens again, tell your administrator.",
  },
} as const satisfies Record<string, { title: string; detail: string; nextStep: string }>;

export type SignInFailureCode = keyof typeof SIGN_IN_FAILURES;

/** What exactly was wrong with an ID token (`invalid_id_token`), for the log and the page. */
export const ID_TOKEN_REASONS = {
  signature: "its signature does not match any key the identity provider publishes",
  unknown_key: "it names a signing key (kid) the identity provider does not publish",
  ambiguous_key: "it names no signing key (kid) and several published keys could have signed it",
  algorithm: "it is signed with an algorithm the console does not accept (none, HMAC, or one the identity provider does not advertise)",
  issuer: "it was issued by another identity provider",
  audience: "it was issued for another application, or also for applications the console does not trust",
  azp: "it names another application as its authorized party",
  expired: "it has expired",
  issued_in_future: "it claims to be issued in the future",
  nonce: "it does not belong to this sign-in (nonce mismatch)",
  at_hash: "it does not match the access token it came with (at_hash)",
  missing_claim: "a required claim (iss, sub, aud, exp, iat, nonce) is missing",
  subject: "its subject (sub) is longer than the 255 characters OpenID Connect allows",
  malformed: "it is not a well-formed signed JWT",
  missing: "the identity provider sent no ID token",
} as const;

export type IdTokenReason = keyof typeof ID_TOKEN_REASONS;

/** A clock problem on either side is the one thing a person can check themselves. */
const CLOCK_REASONS: readonly string[] = ["expired", "issued_in_future"];

export type SignInFailure = {
  code: SignInFailureCode;
  /** A finer reason: an IdTokenReason, the IdP's OAuth `error`, "timeout", ... */
  reason?: string;
  /** What the IdP said, when it sent an OAuth error (logged, never shown). */
  idpError?: string;
  idpErrorDescription?: string;
};

/** A sign-in refused on purpose, with its reason; thrown from the checks, caught by the callback. */
export class SignInRefusal extends Error {
  constructor(readonly failure: SignInFailure) {
    super(`sign-in refused: ${failure.code}${failure.reason ? ` (${failure.reason})` : ""}`);
    this.name = "SignInRefusal";
  }
}

// Auth.js's own error types still reach /signin/error from its built-in endpoints.
const AUTHJS_ERROR_TYPES: Record<string, SignInFailureCode> = {
  Configuration: "server_error",
  AccessDenied: "access_denied",
  OAuthCallbackError: "idp_error",
  OAuthAccountNotLinked: "account_conflict",
  Verification: "state_mismatch",
};

export function isSignInFailureCode(value: unknown): value is SignInFailureCode {
  return typeof value === "string" && Object.hasOwn(SIGN_IN_FAILURES, value);
}

/** The words for a code from a URL (unknown codes get a generic text, never an echo). */
export function describeSignInFailure(code: string | undefined, reason: string | undefined) {
  const known = isSignInFailureCode(code) ? code : code ? AUTHJS_ERROR_TYPES[code] : undefined;
  if (!known) return { code: undefined, title: "Sign-in failed", detail: "Something went wrong while signing you in.", nextStep: "Try again.", reasonText: undefined };
  const { title, detail } = SIGN_IN_FAILURES[known];
  const reasonText = known === "invalid_id_token" && reason && Object.hasOwn(ID_TOKEN_REASONS, reason) ? ID_TOKEN_REASONS[reason as IdTokenReason] : undefined;
  const nextStep =
    known === "invalid_id_token" && reason && CLOCK_REASONS.includes(reason)
      ? "Check that your computer's clock is right, then try again. If it is, tell your administrator: the identity provider's or the console's clock may be wrong."
      : SIGN_IN_FAILURES[known].nextStep;
  return { code: known, title, detail, nextStep, reasonText };
}
