import { errors, jwtVerify, type JWTVerifyGetKey } from "jose";
import { ID_TOKEN_CLOCK_SKEW_SECONDS } from "../oidc/verify-id-token";
import { subjectIdentifierOf, type SubjectIdentifier } from "./subject-identifier";

/** RFC 8935 §2.4: the error codes a push receiver answers a refused SET with. */
export type SetErrorCode = "invalid_request" | "invalid_key" | "invalid_issuer" | "invalid_audience" | "authentication_failed" | "access_denied";

export const CAEP_SESSION_REVOKED = "https://schemas.openid.net/secevent/caep/event-type/session-revoked";
export const RISC_ACCOUNT_DISABLED = "https://schemas.openid.net/secevent/risc/event-type/account-disabled";
export const RISC_ACCOUNT_ENABLED = "https://schemas.openid.net/secevent/risc/event-type/account-enabled";
export const RISC_CREDENTIAL_CHANGE_REQUIRED = "https://schemas.openid.net/secevent/risc/event-type/credential-change-required";
/** SSF 1.0 §8.1.4.1: the transmitter checks the stream works; nothing to act on. */
export const SSF_VERIFICATION = "https://schemas.openid.net/secevent/ssf/event-type/verification";

/** Asymmetric algorithms only: a transmitter signs with keys it publishes, never a shared secret. */
export const SET_ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"];

/**
 * How old a SET may be when it arrives. Push delivery is meant to be prompt; a transmitter's
 * retries within this still get through, and the replay store keeps each `jti` this long.
 */
export const SET_MAX_AGE_SECONDS = 15 * 60;

export type SecurityEvent = { type: string; subject: SubjectIdentifier | null; jti: string; issuedAt: Date; claims: Record<string, unknown> };

export type SetVerification = { ok: true; event: SecurityEvent } | { ok: false; err: SetErrorCode; description: string };

const refused = (err: SetErrorCode, description: string): SetVerification => ({ ok: false, err, description });

/** What was wrong, for the transmitter's operator (the response body): never the token. */
function refusalOf(error: unknown): SetVerification {
  if (error instanceof errors.JWTExpired) return refused("invalid_request", error.claim === "iat" ? `the SET's iat is older than ${SET_MAX_AGE_SECONDS} seconds` : "the SET has expired");
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === "iss") return refused("invalid_issuer", "the SET's iss is not this stream's transmitter");
    if (error.claim === "aud") return refused("invalid_audience", "the SET's aud is not this stream's audience");
    if (error.claim === "iat") return refused("invalid_request", `the SET's iat is ${error.reason === "check_failed" ? "in the future" : "missing or not a number"}`);
    if (error.claim === "jti") return refused("invalid_request", "the SET has no jti");
    if (error.claim === "typ") return refused("invalid_request", "the SET's typ is not secevent+jwt");
    return refused("invalid_request", `the SET's ${error.claim} claim is invalid (${error.reason})`);
  }
  if (error instanceof errors.JWKSNoMatchingKey) return refused("invalid_key", "the SET's kid is not among the transmitter's published keys");
  if (error instanceof errors.JWKSMultipleMatchingKeys) return refused("invalid_key", "the SET names no kid and several published keys fit");
  if (error instanceof errors.JWSSignatureVerificationFailed) return refused("invalid_key", "the SET's signature does not verify with the transmitter's keys");
  if (error instanceof errors.JOSEAlgNotAllowed) return refused("invalid_key", `the SET is not signed with an asymmetric algorithm (${SET_ALGORITHMS.join(", ")})`);
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) return refused("invalid_request", "the body is not a signed JWT");
  if (error instanceof errors.JOSENotSupported) return refused("invalid_key", "the SET's key or algorithm is not supported");
  // The keys could not be fetched (a timeout, a non-200, no JSON): the transmitter should retry.
  throw error;
}

/**
 * A Security Event Token (RFC 8417) pushed by a transmitter (RFC 8935), verified as an ID token
 * is: signed by one of the transmitter's published keys with an asymmetric algorithm, `typ`
 * secevent+jwt, from the stream's issuer, for its audience, with a `jti` and an `iat` no older
 * than SET_MAX_AGE_SECONDS (nor in the future beyond the clock tolerance), and exactly one event
 * (SSF 1.0 §4.1.8). The subject is the event's `subject` or the SET's `sub_id` (RFC 9493). A
 * network failure fetching the keys is thrown: the transmitter should retry, not be told its
 * key is bad.
 */
export async function verifySecurityEventToken(token: string, stream: { issuer: string; audience: string; keys: JWTVerifyGetKey }, now = new Date()): Promise<SetVerification> {
  let verified;
  try {
    verified = await jwtVerify(token, stream.keys, {
      issuer: stream.issuer,
      audience: stream.audience,
      algorithms: SET_ALGORITHMS,
      typ: "secevent+jwt",
      requiredClaims: ["iat", "jti"],
      maxTokenAge: SET_MAX_AGE_SECONDS,
      clockTolerance: ID_TOKEN_CLOCK_SKEW_SECONDS,
      currentDate: now,
    });
  } catch (error) {
    return refusalOf(error);
  }
  const { payload } = verified;
  if (typeof payload.jti !== "string" || payload.jti.length === 0 || payload.jti.length > 256) return refused("invalid_request", "the SET's jti must be a string of 1 to 256 characters");
  const events = payload.events;
  if (typeof events !== "object" || events === null || Array.isArray(events)) return refused("invalid_request", "the SET has no events claim");
  const types = Object.keys(events);
  if (types.length !== 1) return refused("invalid_request", `a SET carries exactly one event (this one has ${types.length})`);
  const type = types[0]!;
  const claims = (events as Record<string, unknown>)[type];
  if (typeof claims !== "object" || claims === null || Array.isArray(claims)) return refused("invalid_request", "the event's payload must be an object");
  const named = (claims as Record<string, unknown>).subject ?? payload.sub_id;
  let subject: SubjectIdentifier | null = null;
  if (named !== undefined) {
    const parsed = subjectIdentifierOf(named);
    if (!parsed.ok) return refused("invalid_request", parsed.description);
    subject = parsed.subject;
  } else if (type !== SSF_VERIFICATION) {
    return refused("invalid_request", "the SET names no subject (sub_id, or the event's subject)");
  }
  return { ok: true, event: { type, subject, jti: payload.jti, issuedAt: new Date(payload.iat! * 1000), claims: claims as Record<string, unknown> } };
}
