import { E2E } from "./e2e-settings";

/** A small seeded generator (mulberry32): the same seed replays the same inputs. */
function random(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (max: number) => Math.floor(next() * max);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
  return { next, int, pick };
}

const NAMES = ["code", "state", "iss", "error", "error_description", "error_uri", "session_state", "id_token", "token", "response", "scope", "nonce", "callbackUrl", "__proto__", "", "code[]", "state%00"];
const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~";
const RAW_PIECES = ["%", "%zz", "%E0%A4%A", "%00", "%0d%0a", "+", "&&", "==", "=%", "%25", "\u{1F600}", "\u202E", "<script>", "'\"", "..%2f..%2f", "%ff%fe"];

type FuzzInput = { method: "GET" | "POST"; query: string; body?: string; cookie?: string; label: string };

export type FuzzFailure = { input: FuzzInput; status: number; location: string | null; setsSession: boolean };

/** The pending sign-in cookies and state of a real login, so half the inputs pass the cookie checks. */
async function realPendingSignIn(appUrl: string): Promise<{ cookie: string; state: string }> {
  const login = await fetch(`${appUrl}/api/auth/login?callbackUrl=/profile`, { redirect: "manual" });
  const cookie = login.headers
    .getSetCookie()
    .map((header) => header.split(";")[0]!)
    .filter((pair) => !pair.endsWith("="))
    .join("; ");
  const state = new URL(login.headers.get("location")!).searchParams.get("state")!;
  return { cookie, state };
}

function generate(rng: ReturnType<typeof random>, pending: { cookie: string; state: string }, index: number): FuzzInput {
  const token = (max: number) => Array.from({ length: rng.int(max) }, () => rng.pick([...ALPHABET])).join("");
  const value = () =>
    rng.pick([
      () => "",
      () => token(40),
      () => token(2000),
      () => pending.state,
      () => pending.state + token(3),
      () => E2E.hostile.issuer,
      () => "https://evil.example",
      () => "access_denied",
      () => "eyJhbGciOiJub25lIn0.e30.",
      () => rng.pick(RAW_PIECES) + token(10),
      () => JSON.stringify({ a: token(5) }),
      () => String(rng.int(1e9)),
    ])();
  const pairs: string[] = [];
  const count = rng.int(7);
  for (let i = 0; i < count; i++) {
    const name = rng.next() < 0.85 ? rng.pick(NAMES) : token(12);
    // Mostly well-encoded, sometimes raw bytes and broken escapes as an attacker would send them.
    const raw = rng.next() < 0.25;
    pairs.push(raw ? `${name}=${rng.pick(RAW_PIECES)}${value().slice(0, 200)}` : `${encodeURIComponent(name)}=${encodeURIComponent(value())}`);
  }
  if (rng.next() < 0.1) pairs.push(...pairs); // duplicated parameters
  const query = pairs.join(rng.next() < 0.05 ? ";" : "&");
  const withCookies = index % 2 === 1;
  const method = rng.next() < 0.15 ? "POST" : "GET";
  return {
    method,
    query: method === "GET" ? query : "",
    body: method === "POST" ? query : undefined,
    cookie: withCookies ? pending.cookie : undefined,
    label: `#${index} ${method}${withCookies ? " with the sign-in cookies" : ""}`,
  };
}

/**
 * Sends `count` generated requests to the OIDC callback — random, duplicated, oversized and
 * badly encoded parameters, half of them with a real pending sign-in's cookies (and often its
 * real state) — and collects every answer that is 5xx, not a redirect to the error page, or
 * sets a session cookie. None of them carries a code the IdP issued, so none may sign in.
 */
export async function fuzzCallbackRequests(options: { appUrl: string; count: number; seed: number }) {
  const rng = random(options.seed);
  const pending = await realPendingSignIn(options.appUrl);
  const failures: FuzzFailure[] = [];
  const statuses: Record<string, number> = {};
  for (let index = 0; index < options.count; index++) {
    const input = generate(rng, pending, index);
    const headers: Record<string, string> = {};
    if (input.cookie) headers.cookie = input.cookie;
    if (input.body !== undefined) headers["content-type"] = "application/x-www-form-urlencoded";
    const response = await fetch(`${options.appUrl}/api/auth/callback/oidc${input.query ? `?${input.query}` : ""}`, {
      method: input.method,
      headers,
      body: input.body,
      redirect: "manual",
    });
    await response.arrayBuffer();
    statuses[response.status] = (statuses[response.status] ?? 0) + 1;
    const location = response.headers.get("location");
    const setsSession = response.headers.getSetCookie().some((cookie) => /^(__Host-)?authjs\.session-token(\.\d+)?=[^;]+/.test(cookie));
    const refusedProperly = response.status === 302 && location !== null && new URL(location).pathname === "/signin/error";
    // Node's HTTP parser refuses some raw bytes itself (400/431) before the app sees them: also fine.
    const refusedByServer = response.status === 400 || response.status === 431;
    if (setsSession || response.status >= 500 || !(refusedProperly || refusedByServer)) failures.push({ input, status: response.status, location, setsSession });
  }
  return { failures: failures.slice(0, 20), summary: { sent: options.count, statuses, failures: failures.length } };
}
