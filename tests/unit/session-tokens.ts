import { encode } from "@auth/core/jwt";
import { NextRequest } from "next/server";

export const SECRET = "unit-test-secret-0123456789abcdefghijklmnop";
export const COOKIE = "authjs.session-token";

/** A session cookie exactly as Auth.js writes it. */
export function sessionCookie(claims: Record<string, unknown> = {}, { secret = SECRET, maxAge = 3600 } = {}) {
  return encode({ token: { sub: "user-1", role: "viewer", email: "a@example.com", name: "A", ...claims }, secret, salt: COOKIE, maxAge });
}

export function apiRequest(headers: Record<string, string> = {}, path = "/api/auth/me") {
  return new NextRequest(`http://localhost:3000${path}`, { headers });
}
