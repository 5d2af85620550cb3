import { createHmac, hkdfSync, timingSafeEqual } from "node:crypto";

const BASE = "vsa.sign-in-connection";
/** As long as Auth.js keeps its own check cookies: a sign-in not finished by then starts again. */
const MAX_AGE_SECONDS = 15 * 60;

export function signInConnectionCookieName(secureCookies: boolean): string {
  return secureCookies ? `__Host-${BASE}` : BASE;
}

const keys = new Map<string, Buffer>();
/** A key of its own, derived from AUTH_SECRET, so that no other use of the secret can produce these tags. */
function bindingKey(secret: string): Buffer {
  let key = keys.get(secret);
  if (!key) {
    key = Buffer.from(hkdfSync("sha256", secret, "", "voicesurveyagent sign-in connection binding", 32));
    keys.set(secret, key);
  }
  return key;
}

/**
 * A setup link's test sign-in (lib/sign-in/setup-test-sign-in.ts): it completes
 * with a connection not yet enabled, and creates no one. Bound like the connection, so an
 * ordinary sign-in can never be turned into one, nor one into an ordinary sign-in.
 */
export type SignInPurpose = "sign_in" | "setup_test";
const SETUP_TEST_SUFFIX = "~setup-test";

/** HMAC-SHA-256 truncated to 128 bits (RFC 2104 §5): as unforgeable here, and 21 bytes shorter in every sign-in's headers. */
function tag(subject: string, state: string, secret: string): string {
  return createHmac("sha256", bindingKey(secret)).update(`${subject}\u0000${state}`).digest().subarray(0, 16).toString("base64url");
}

/**
 * Which connection a sign-in in progress goes through, bound to that sign-in's `state`: the
 * callback completes it with that connection only (its issuer checks the RFC 9207 `iss` and
 * the ID token), so an answer from another IdP, or a state from another sign-in, is refused
 * (IdP mix-up). The connection's id is no secret (it is in the login URL); the tag, an HMAC
 * under a key derived from AUTH_SECRET over the id and the state, is what the browser cannot
 * make. Small on purpose: the sign-in start already carries Auth.js's three sealed check
 * cookies and a long state in its Location header, and proxies' default header buffers are
 * 4 KiB (nginx's proxy_buffer_size) — a sealed JWT here pushed the answer past it.
 */
export function signInConnectionCookie(connectionId: string, state: string, secret: string, secureCookies: boolean, purpose: SignInPurpose = "sign_in") {
  const subject = purpose === "setup_test" ? `${connectionId}${SETUP_TEST_SUFFIX}` : connectionId;
  return {
    name: signInConnectionCookieName(secureCookies),
    value: `${subject}.${tag(subject, state, secret)}`,
    options: { httpOnly: true, sameSite: "lax" as const, path: "/", secure: secureCookies, maxAge: MAX_AGE_SECONDS },
  };
}

/**
 * The connection of the sign-in whose callback carries `state`; or why not, in the reasons
 * Auth.js gives for its own check cookies: the cookie is missing (another browser, expired,
 * made up), or the state is not this sign-in's (absent, tampered, another sign-in's).
 */
export function signInConnectionOf(
  cookies: { get(name: string): { value: string } | undefined },
  state: string | null,
  secret: string,
  secureCookies: boolean,
): { ok: true; connectionId: string; purpose: SignInPurpose } | { ok: false; reason: "missing_check_cookie" | "state" } {
  const value = cookies.get(signInConnectionCookieName(secureCookies))?.value ?? "";
  const dot = value.lastIndexOf(".");
  if (dot <= 0 || dot === value.length - 1) return { ok: false, reason: "missing_check_cookie" };
  const subject = value.slice(0, dot);
  const given = Buffer.from(value.slice(dot + 1), "base64url");
  const expected = Buffer.from(tag(subject, state ?? "", secret), "base64url");
  if (!state || given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: "state" };
  if (subject.endsWith(SETUP_TEST_SUFFIX)) return { ok: true, connectionId: subject.slice(0, -SETUP_TEST_SUFFIX.length), purpose: "setup_test" };
  return { ok: true, connectionId: subject, purpose: "sign_in" };
}
