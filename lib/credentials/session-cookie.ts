import { decode } from "@auth/core/jwt";
import { errors } from "jose";
import type { NextRequest, NextResponse } from "next/server";
import type { AuthErrorCode } from "../errors/api-errors";
import { familyIdClaim } from "./family-id";
import { isRole, type Role } from "../roles/roles";

/**
 * Auth.js's session cookie name. On https it is `__Host-`: browsers then insist on Secure,
 * Path=/ and no Domain, so no sibling subdomain can set or overwrite the session cookie.
 */
export function sessionCookieName(secureCookies: boolean): string {
  return secureCookies ? "__Host-authjs.session-token" : "authjs.session-token";
}

export type CookieReader = { get(name: string): { value: string } | undefined };

/** Auth.js splits a session over `name.0`, `name.1`, ... when it outgrows one cookie. */
export function readSessionCookie(cookies: CookieReader, name: string): string | undefined {
  const whole = cookies.get(name)?.value;
  if (whole) return whole;
  let joined = "";
  for (let index = 0; ; index++) {
    const chunk = cookies.get(`${name}.${index}`)?.value;
    if (chunk === undefined) break;
    joined += chunk;
  }
  return joined || undefined;
}

/** Expires the session cookie the request carries, and any chunks Auth.js split it into. */
export function clearSessionCookies(request: Pick<NextRequest, "cookies">, response: NextResponse, secureCookies: boolean): void {
  const name = sessionCookieName(secureCookies);
  for (const cookie of request.cookies.getAll()) {
    if (cookie.name === name || cookie.name.startsWith(`${name}.`)) {
      response.cookies.set(cookie.name, "", { maxAge: 0, path: "/", httpOnly: true, sameSite: "lax", secure: secureCookies });
    }
  }
}

export type SessionIdentity = {
  userId: string;
  role: Role;
  /** The token family (sessions/token-families.ts): revoking it ends this session or token. */
  familyId: string;
  via: "cookie" | "bearer";
  email: string | null;
  name: string | null;
  /** Seconds since the epoch. */
  expiresAt: number;
};

export type SessionVerification =
  /** `sessionClaims`: the decoded cookie, present for cookie sessions (for renewal). */
  | { ok: true; identity: SessionIdentity; sessionClaims?: Record<string, unknown> }
  | { ok: false; code: AuthErrorCode };

/**
 * Decrypts and checks an Auth.js session cookie (a JWE keyed from AUTH_SECRET and the
 * cookie name), with Auth.js's own decoder so the format never drifts from what it wrote.
 * A session is over at its `exp`, and in any case `absoluteLifetimeSeconds` after its
 * sign-in (`authTime`), however often it was renewed.
 */
export async function verifySessionCookie(
  token: string,
  options: { secret: string; cookieName: string; absoluteLifetimeSeconds: number; now?: number },
): Promise<SessionVerification> {
  let payload: Record<string, unknown> | null;
  try {
    payload = await decode<Record<string, unknown>>({ token, secret: options.secret, salt: options.cookieName });
  } catch (error) {
    return { ok: false, code: error instanceof errors.JWTExpired ? "token_expired" : "invalid_token" };
  }
  const familyId = payload ? familyIdClaim(payload) : undefined;
  if (
    !payload ||
    typeof payload.sub !== "string" ||
    familyId === undefined ||
    !isRole(payload.role) ||
    typeof payload.exp !== "number" ||
    typeof payload.authTime !== "number"
  ) {
    return { ok: false, code: "invalid_token" };
  }
  const absoluteEnd = payload.authTime + options.absoluteLifetimeSeconds;
  if (absoluteEnd <= (options.now ?? Date.now() / 1000)) return { ok: false, code: "token_expired" };
  return {
    ok: true,
    identity: {
      userId: payload.sub,
      role: payload.role,
      familyId,
      via: "cookie",
      email: typeof payload.email === "string" ? payload.email : null,
      name: typeof payload.name === "string" ? payload.name : null,
      expiresAt: Math.min(payload.exp, absoluteEnd),
    },
    sessionClaims: payload,
  };
}
