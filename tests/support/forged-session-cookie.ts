import { decode, encode } from "@auth/core/jwt";
import { E2E } from "./e2e-settings";

/** JWT_EXPIRATION_MINUTES as the suite runs the app (its default, 60). */
const SESSION_MAX_AGE_SECONDS = 60 * 60;

/** The claims of a session cookie the app issued (decrypted with the suite's AUTH_SECRET). */
export async function sessionClaims(cookieValue: string): Promise<Record<string, unknown>> {
  const claims = await decode<Record<string, unknown>>({ token: cookieValue, secret: E2E.appEnv.AUTH_SECRET, salt: E2E.sessionCookieName });
  if (!claims) throw new Error("the session cookie could not be decrypted with the suite's AUTH_SECRET");
  return claims;
}

/**
 * Runs `encode` while `new Date()` and `Date.now()` read `epochMs`: Auth.js's encode always
 * stamps `iat` and `exp` from the clock (jose's setIssuedAt() takes no value from the claims),
 * so a cookie issued in the past is one encoded while the clock reads the past.
 */
async function encodedAt(epochMs: number, run: () => Promise<string>): Promise<string> {
  const RealDate = Date;
  class PastDate extends RealDate {
    constructor(...args: [] | [string | number | Date]) {
      super(args.length === 0 ? epochMs : args[0]);
    }
    static override now() {
      return epochMs;
    }
  }
  globalThis.Date = PastDate as DateConstructor;
  try {
    return await run();
  } finally {
    globalThis.Date = RealDate;
  }
}

/**
 * A session cookie exactly as Auth.js writes it (its own `encode`, the suite's AUTH_SECRET,
 * the cookie name as the salt), carrying `claims` and issued `issuedSecondsAgo` seconds ago.
 */
export function forgeSessionCookie(claims: Record<string, unknown>, { issuedSecondsAgo = 0 } = {}): Promise<string> {
  const { iat: _iat, exp: _exp, jti: _jti, ...token } = claims;
  const issuedAtMs = Date.now() - issuedSecondsAgo * 1000;
  return encodedAt(issuedAtMs, () => encode({ token, secret: E2E.appEnv.AUTH_SECRET, salt: E2E.sessionCookieName, maxAge: SESSION_MAX_AGE_SECONDS }));
}
