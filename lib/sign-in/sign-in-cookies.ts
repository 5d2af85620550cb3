import { decode } from "@auth/core/jwt";
import type { NextAuthConfig } from "next-auth";

/**
 * Auth.js's short-lived cookies for a sign-in in progress: the PKCE verifier, state and nonce
 * (each an encrypted JWT), and where to go after. On https they are `__Host-`, as the session
 * cookie is: a browser then takes them only from this very host, Secure, for path /, so a
 * sibling subdomain cannot toss in its own state and sign the victim in as the attacker (login
 * CSRF). Auth.js's default `__Secure-` allows that.
 */
const CHECKS = { pkceCodeVerifier: "authjs.pkce.code_verifier", state: "authjs.state", nonce: "authjs.nonce" } as const;
const NAMES = { ...CHECKS, callbackUrl: "authjs.callback-url" } as const;

function named(base: string, secureCookies: boolean): string {
  return secureCookies ? `__Host-${base}` : base;
}

/** The names of the pending sign-in's check cookies (to clear them on a refusal). */
export function signInCheckCookieNames(secureCookies: boolean): string[] {
  return Object.values(CHECKS).map((base) => named(base, secureCookies));
}

/** For Auth.js's `cookies` option: the names only (Auth.js keeps its options: HttpOnly, SameSite=Lax, path /, Secure on https). */
export function signInCookies(secureCookies: boolean): NonNullable<NextAuthConfig["cookies"]> {
  return Object.fromEntries(Object.entries(NAMES).map(([key, base]) => [key, { name: named(base, secureCookies) }]));
}

/**
 * Whether the request carries a real pending sign-in: a check cookie this app sealed (it
 * decrypts with AUTH_SECRET). Anyone can send a callback with no cookies, or made-up ones.
 */
export async function hasPendingSignIn(cookies: { get(name: string): { value: string } | undefined }, secret: string, secureCookies: boolean): Promise<boolean> {
  for (const name of signInCheckCookieNames(secureCookies)) {
    const value = cookies.get(name)?.value;
    if (!value) continue;
    const sealed = await decode({ token: value, secret, salt: name }).catch(() => null);
    if (sealed && "value" in sealed) return true;
  }
  return false;
}
