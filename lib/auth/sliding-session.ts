import { encode } from "@auth/core/jwt";
import type { NextResponse } from "next/server";

/** A session cookie older than this is re-issued with a fresh expiry: at most once per window. */
export const SESSION_RENEWAL_INTERVAL_SECONDS = 5 * 60;

export type SlidingSessionOptions = { secret: string; cookieName: string; maxAgeSeconds: number; secure: boolean };

/** Renew when the cookie is older than the interval (or than half its lifetime, for short sessions). */
export function sessionNeedsRenewal(claims: Record<string, unknown>, maxAgeSeconds: number, now = Math.floor(Date.now() / 1000)): boolean {
  if (typeof claims.iat !== "number") return false;
  return now - claims.iat >= Math.min(SESSION_RENEWAL_INTERVAL_SECONDS, Math.floor(maxAgeSeconds / 2));
}

/**
 * Sliding session: re-encrypts the same claims with a new iat/exp, so an active user stays
 * signed in while an idle session still ends JWT_EXPIRATION_MINUTES after its last use.
 */
export async function renewSessionCookie(response: NextResponse, claims: Record<string, unknown>, options: SlidingSessionOptions): Promise<void> {
  const { iat: _iat, exp: _exp, jti: _jti, ...token } = claims;
  const value = await encode({ token, secret: options.secret, salt: options.cookieName, maxAge: options.maxAgeSeconds });
  response.cookies.set(options.cookieName, value, {
    httpOnly: true,
    sameSite: "lax",
    path: "/",
    secure: options.secure,
    maxAge: options.maxAgeSeconds,
  });
}
