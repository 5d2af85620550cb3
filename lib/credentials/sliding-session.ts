import { encode } from "@auth/core/jwt";
import { stringifyCookie, type ResponseCookie } from "next/dist/compiled/@edge-runtime/cookies";
import type { Env } from "../config/env";
import { sessionCookieName } from "./session-cookie";

/** A session cookie older than this is re-issued with a fresh expiry: at most once per window. */
export const SESSION_RENEWAL_INTERVAL_SECONDS = 5 * 60;

export type SlidingSessionOptions = {
  secret: string;
  cookieName: string;
  maxAgeSeconds: number;
  /** Never renewed past this long after sign-in: a stolen or revoked cookie cannot be kept alive forever. */
  absoluteLifetimeSeconds: number;
  secure: boolean;
};

/** The deployment's sliding session: JWT_EXPIRATION_MINUTES idle, SESSION_ABSOLUTE_LIFETIME_HOURS at most. */
export function slidingSessionOptions(env: Env): SlidingSessionOptions {
  return {
    secret: env.authSecret,
    cookieName: sessionCookieName(env.secureCookies),
    maxAgeSeconds: env.sessionIdleMinutes * 60,
    absoluteLifetimeSeconds: env.sessionAbsoluteLifetimeHours * 3600,
    secure: env.secureCookies,
  };
}

/** Seconds the renewed cookie may live: its usual lifetime, cut at the absolute limit. */
function renewedLifetime(claims: Record<string, unknown>, options: Pick<SlidingSessionOptions, "maxAgeSeconds" | "absoluteLifetimeSeconds">, now: number): number {
  if (typeof claims.authTime !== "number") return 0;
  return Math.min(options.maxAgeSeconds, claims.authTime + options.absoluteLifetimeSeconds - now);
}

/**
 * Renew when the cookie is older than the interval (or than half its lifetime, for short
 * sessions), and only if renewing still extends it within the absolute lifetime.
 */
export function sessionNeedsRenewal(
  claims: Record<string, unknown>,
  options: Pick<SlidingSessionOptions, "maxAgeSeconds" | "absoluteLifetimeSeconds">,
  now = Math.floor(Date.now() / 1000),
): boolean {
  if (typeof claims.iat !== "number" || typeof claims.exp !== "number") return false;
  if (now - claims.iat < Math.min(SESSION_RENEWAL_INTERVAL_SECONDS, Math.floor(options.maxAgeSeconds / 2))) return false;
  return now + renewedLifetime(claims, options, now) > claims.exp;
}

/**
 * One renewal per old cookie, keyed by its decoded claims (the object the verified-token
 * cache holds, so it goes when that entry goes): a client that keeps sending the old cookie
 * (curl, a proxy that drops Set-Cookie) gets the same renewed value back, not a new
 * encryption on every request.
 */
const renewals = new WeakMap<object, { value: string; expiresAt: number; createdAt: number }>();

/**
 * Sliding session: re-encrypts the same claims with a new iat/exp, so an active user stays
 * signed in while an idle session still ends JWT_EXPIRATION_MINUTES after its last use.
 * The cookie, for `response.cookies.set` (the middleware) or `renewedCookieHeader`.
 */
export async function renewedSessionCookie(claims: Record<string, unknown>, options: SlidingSessionOptions): Promise<ResponseCookie> {
  const now = Math.floor(Date.now() / 1000);
  let renewal = renewals.get(claims);
  if (!renewal || now - renewal.createdAt >= SESSION_RENEWAL_INTERVAL_SECONDS) {
    const { iat: _iat, exp: _exp, jti: _jti, ...token } = claims;
    const maxAge = renewedLifetime(claims, options, now);
    renewal = { value: await encode({ token, secret: options.secret, salt: options.cookieName, maxAge }), expiresAt: now + maxAge, createdAt: now };
    renewals.set(claims, renewal);
  }
  const maxAge = Math.max(0, renewal.expiresAt - now);
  return {
    name: options.cookieName,
    value: renewal.value,
    httpOnly: true,
    sameSite: "lax",
    path: "/",
    secure: options.secure,
    maxAge,
    expires: new Date((now + maxAge) * 1000),
  };
}

/** The renewed cookie as a Set-Cookie value, written exactly as Next's `response.cookies.set` writes it. */
export function renewedCookieHeader(cookie: ResponseCookie): string {
  return stringifyCookie(cookie);
}

/** A session cookie must never be stored by a shared cache and handed to someone else. */
export const RENEWED_SESSION_CACHE_CONTROL = "private, no-store";
