import { decode, encode } from "@auth/core/jwt";

const BASE = "vsa.sign-in-connection";
/** As long as Auth.js keeps its own check cookies: a sign-in not finished by then starts again. */
const MAX_AGE_SECONDS = 15 * 60;

export function signInConnectionCookieName(secureCookies: boolean): string {
  return secureCookies ? `__Host-${BASE}` : BASE;
}

/**
 * Which connection a sign-in in progress goes through, bound to that sign-in's `state`: the
 * callback completes it with that connection only (its issuer checks the RFC 9207 `iss` and
 * the ID token), so an answer from another IdP, or a state from another sign-in, is refused
 * (IdP mix-up). Sealed like Auth.js's own check cookies (an encrypted JWT under AUTH_SECRET,
 * salted with the cookie's name): the browser can neither read nor change it.
 */
export async function signInConnectionCookie(connectionId: string, state: string, secret: string, secureCookies: boolean) {
  const name = signInConnectionCookieName(secureCookies);
  const value = await encode({ token: { connectionId, state }, secret, salt: name, maxAge: MAX_AGE_SECONDS });
  return { name, value, options: { httpOnly: true, sameSite: "lax" as const, path: "/", secure: secureCookies, maxAge: MAX_AGE_SECONDS } };
}

/**
 * The connection of the sign-in whose callback carries `state`; or why not, in the reasons
 * Auth.js gives for its own check cookies: the cookie is missing (another browser, expired),
 * or the state is not this sign-in's (absent, tampered, another sign-in's).
 */
export async function signInConnectionOf(
  cookies: { get(name: string): { value: string } | undefined },
  state: string | null,
  secret: string,
  secureCookies: boolean,
): Promise<{ ok: true; connectionId: string } | { ok: false; reason: "missing_check_cookie" | "state" }> {
  const name = signInConnectionCookieName(secureCookies);
  const value = cookies.get(name)?.value;
  const sealed = value ? await decode({ token: value, secret, salt: name }).catch(() => null) : null;
  if (!sealed || typeof sealed.connectionId !== "string") return { ok: false, reason: "missing_check_cookie" };
  if (!state || sealed.state !== state) return { ok: false, reason: "state" };
  return { ok: true, connectionId: sealed.connectionId };
}
