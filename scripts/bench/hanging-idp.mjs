// Part of `npm run bench`: how long a person waits when the identity provider hangs. A second
// `next start` of the same build signs in against the hostile test provider
// (tests/support/hostile-oidc-provider.mjs) whose token endpoint holds its answer for 30 s;
// the callback should give up after OIDC_HTTP_TIMEOUT_MS and send the person to the error page.
import { portOpen, waitFor } from "../wait-for.mjs";

const HANG_MS = 30_000;

function cookiesOf(response) {
  return response.headers
    .getSetCookie()
    .map((cookie) => cookie.split(";")[0])
    .filter((pair) => !pair.endsWith("="))
    .join("; ");
}

/**
 * Starts the provider and the app instance with `start(name, args, env)` (the bench's process
 * launcher, which stops them at the end), then times `runs` browserless sign-ins from the IdP's
 * redirect back to the app's answer. Returns the timeout and each run's milliseconds and verdict.
 */
export async function measureHangingIdp({ start, env, appPort, oidcPort, runs }) {
  for (const port of [appPort, oidcPort]) if (await portOpen(port)) throw new Error(`port ${port} is taken; stop what uses it`);
  const appUrl = `http://localhost:${appPort}`;
  const issuer = `http://127.0.0.1:${oidcPort}`;
  const client = { id: "bench-hanging-idp", secret: "bench-hanging-idp-secret-0123456789" };
  start("hostile OpenID provider", ["tests/support/hostile-oidc-provider.mjs"], {
    ...env,
    HOSTILE_OIDC_PORT: String(oidcPort),
    HOSTILE_OIDC_CLIENT_ID: client.id,
    HOSTILE_OIDC_CLIENT_SECRET: client.secret,
    HOSTILE_OIDC_REDIRECT_URI: `${appUrl}/api/auth/callback/oidc`,
  });
  start("next start (hanging IdP)", ["node_modules/next/dist/bin/next", "start", "--port", String(appPort)], {
    ...env,
    PORT: String(appPort),
    AUTH_URL: appUrl,
    OIDC_ISSUER: issuer,
    OIDC_CLIENT_ID: client.id,
    OIDC_CLIENT_SECRET: client.secret,
  });
  await waitFor("the hostile provider", async () => (await fetch(`${issuer}/.well-known/openid-configuration`)).ok, 30_000);
  await waitFor("the second app instance", async () => (await fetch(`${appUrl}/api/health/live`)).ok, 60_000);
  await fetch(`${issuer}/__scenario`, { method: "POST", body: JSON.stringify({ token: { hangMs: HANG_MS } }) });

  const samples = [];
  for (let run = 0; run < runs; run++) {
    const login = await fetch(`${appUrl}/api/auth/login?callbackUrl=/profile`, { redirect: "manual" });
    const authorize = await fetch(login.headers.get("location"), { redirect: "manual" });
    const started = performance.now();
    const callback = await fetch(authorize.headers.get("location"), { redirect: "manual", headers: { cookie: cookiesOf(login) } });
    const elapsedMs = Math.round(performance.now() - started);
    const location = new URL(callback.headers.get("location") ?? "about:blank", appUrl);
    samples.push({ elapsedMs, status: callback.status, verdict: `${location.pathname}?error=${location.searchParams.get("error")}&reason=${location.searchParams.get("reason")}` });
  }
  return { timeoutMs: Number(env.OIDC_HTTP_TIMEOUT_MS ?? 5000), hangMs: HANG_MS, samples };
}
