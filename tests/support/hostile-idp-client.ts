import type { APIRequestContext, APIResponse } from "@playwright/test";
import { E2E } from "./e2e-settings";

/** What a test may bend at the hostile provider (tests/support/hostile-oidc-provider.mjs). */
export type Scenario = {
  authorize?: { error?: string; errorDescription?: string; state?: "tampered" | "missing"; iss?: string; sub?: string; code?: string; extraParams?: Record<string, string> };
  token?: { status?: number; body?: unknown; hangMs?: number };
  idToken?: {
    key?: "k1" | "k2" | "rotated" | "unpublished" | "es1";
    header?: Record<string, unknown>;
    claims?: Record<string, unknown>;
    relativeTimes?: Record<string, number>;
    unsigned?: boolean;
    hmacWithClientSecret?: boolean;
    omit?: boolean;
  };
  discovery?: { override?: Record<string, unknown>; status?: number; hangMs?: number };
  jwks?: { publish?: ("k1" | "k2" | "rotated" | "unpublished" | "es1" | "k1ForEncryption")[]; status?: number; hangMs?: number };
};

export type IdpLog = { seen: { authorize: Record<string, string>[]; token: { grantType: string; basicAuth: boolean }[]; userinfo: number; jwks: number; discovery: number; lateAnswers: number }; issued: string[] };

/**
 * A call to the provider's test controls, once more if the kept-alive connection it went on
 * was closed by the provider as it was sent (Node closes idle connections after 5 s, and a
 * suite's beforeAll can leave one idle that long): the controls are idempotent.
 */
async function control(path: string, init?: RequestInit): Promise<Response> {
  try {
    return await fetch(`${E2E.hostile.issuer}${path}`, init);
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    return fetch(`${E2E.hostile.issuer}${path}`, init);
  }
}

export async function setScenario(scenario: Scenario = {}): Promise<void> {
  const response = await control("/__scenario", { method: "POST", body: JSON.stringify(scenario) });
  if (response.status !== 204) throw new Error(`the hostile provider refused the scenario (${response.status})`);
}

export async function idpLog(): Promise<IdpLog> {
  return (await control("/__log")).json() as Promise<IdpLog>;
}

/** Signs a JWT with one of the provider's keys (back-channel logout tokens). */
export async function signAtIdp(claims: Record<string, unknown>, options: { key?: string; header?: Record<string, unknown> } = {}): Promise<string> {
  const response = await control("/__sign", { method: "POST", body: JSON.stringify({ claims, ...options }) });
  return ((await response.json()) as { jwt: string }).jwt;
}

const location = (response: APIResponse) => response.headers()["location"] ?? "";

let connectionQuery = "";

/** Signs in through a connection added at run time to the hostile provider (its id), or, with none, through the environment's. */
export function signInThrough(connectionId?: string): void {
  connectionQuery = connectionId ? `&connection=${encodeURIComponent(connectionId)}` : "";
}

/** GET /api/auth/login, then the IdP's authorize endpoint: the URL the IdP sends the browser back to. */
export async function startAtHostileIdp(api: APIRequestContext): Promise<URL> {
  const login = await api.get(`${E2E.hostile.appUrl}/api/auth/login?callbackUrl=/profile${connectionQuery}`, { maxRedirects: 0 });
  if (login.status() !== 302 || !location(login).startsWith(E2E.hostile.issuer)) {
    throw new Error(`login answered ${login.status()} → ${location(login)}`);
  }
  const authorize = await api.get(location(login), { maxRedirects: 0 });
  return new URL(location(authorize));
}

export type CallbackOutcome = { status: number; location: URL; sessionCookie: boolean; elapsedMs: number };

/** Follows the IdP's redirect back to the app's callback, as the browser would. */
export async function finishAtApp(api: APIRequestContext, callbackUrl: URL | string): Promise<CallbackOutcome> {
  const started = performance.now();
  const callback = await api.get(String(callbackUrl), { maxRedirects: 0 });
  const elapsedMs = performance.now() - started;
  const sessionCookie = callback.headersArray().some((header) => header.name.toLowerCase() === "set-cookie" && /^authjs\.session-token(\.\d+)?=[^;]+/.test(header.value));
  return { status: callback.status(), location: new URL(location(callback) || "about:blank", E2E.hostile.appUrl), sessionCookie, elapsedMs };
}

/**
 * A whole browserless sign-in through the hostile provider with the given scenario. A sign-in
 * refused before it reaches the IdP (e.g. a bad discovery document) ends at the login step.
 */
export async function signInAgainstHostileIdp(api: APIRequestContext, scenario: Scenario = {}): Promise<CallbackOutcome> {
  await setScenario(scenario);
  const started = performance.now();
  const login = await api.get(`${E2E.hostile.appUrl}/api/auth/login?callbackUrl=/profile${connectionQuery}`, { maxRedirects: 0 });
  const target = new URL(location(login) || "about:blank", E2E.hostile.appUrl);
  if (target.origin !== E2E.hostile.issuer) return { status: login.status(), location: target, sessionCookie: false, elapsedMs: performance.now() - started };
  const authorize = await api.get(target.toString(), { maxRedirects: 0 });
  return finishAtApp(api, new URL(location(authorize)));
}

/** The refusal a callback answered with, or "signed in". */
export function verdict(outcome: CallbackOutcome): { code: string | null; reason: string | null } | "signed in" {
  if (outcome.location.pathname === "/profile" && outcome.sessionCookie) return "signed in";
  return { code: outcome.location.searchParams.get("error"), reason: outcome.location.searchParams.get("reason") };
}
