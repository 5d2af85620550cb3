import { expect, test, type Page } from "@playwright/test";
import { startAppInstance } from "../support/app-instance";
import { E2E } from "../support/e2e-settings";
import { forgeSessionCookie, sessionClaims } from "../support/forged-session-cookie";
import { consent, signInThroughProvider } from "../support/sign-in-flow";

// Forward auth has two entry points with one decision (lib/access/forward-auth-decision.ts):
// the Next route on the app's port and the forward-auth listener (FORWARD_AUTH_PORT). Every
// test here runs against both, so they cannot drift apart.
const ENTRY_POINTS = [
  { name: "the Next route", url: E2E.appUrl },
  { name: "the forward-auth listener", url: E2E.forwardAuthUrl },
] as const;

async function signIn(page: Page) {
  await signInThroughProvider(page, "bob@example.com", "bob");
  await consent(page);
  await expect(page).toHaveURL(`${E2E.appUrl}/profile`);
  return (await page.context().cookies()).find((cookie) => cookie.name === E2E.sessionCookieName)!.value;
}

async function mintApiToken(page: Page): Promise<string> {
  const minted = await page.request.post("/api/auth/token", { headers: { Origin: E2E.appUrl } });
  expect(minted.status()).toBe(200);
  return (await minted.json()).access_token;
}

// fetch: no cookie jar, so each request carries exactly the credentials given.
const cookieHeader = (value: string) => ({ cookie: `${E2E.sessionCookieName}=${value}` });

for (const entry of ENTRY_POINTS) {
  test.describe(`forward auth through ${entry.name}`, () => {
    const verify = (headers: Record<string, string> = {}, query = "") => fetch(`${entry.url}/api/auth/verify${query}`, { headers, redirect: "manual" });

    test("a cookie and a Bearer token answer 204 with who the caller is; ?role= below the caller's is 403, an unknown role 400", async ({ page }) => {
      const cookie = await signIn(page);
      const byCookie = await verify(cookieHeader(cookie));
      expect(byCookie.status).toBe(204);
      expect(byCookie.headers.get("x-auth-email")).toBe("bob@example.com");
      expect(byCookie.headers.get("x-auth-role")).toBe("viewer");
      expect(byCookie.headers.get("cache-control")).toBe("no-store");
      // A fresh cookie is not renewed: no Set-Cookie.
      expect(byCookie.headers.get("set-cookie")).toBeNull();

      const bearer = { authorization: `Bearer ${await mintApiToken(page)}` };
      const byBearer = await verify(bearer);
      expect(byBearer.status).toBe(204);
      expect(byBearer.headers.get("x-auth-user-id")).toBe(byCookie.headers.get("x-auth-user-id"));
      expect(byBearer.headers.get("x-auth-user-id")).toBeTruthy();

      const viewerOrMore = await verify(bearer, "?role=viewer");
      expect(viewerOrMore.status).toBe(204);
      const tooLow = await verify(bearer, "?role=admin");
      expect(tooLow.status).toBe(403);
      expect(await tooLow.json()).toMatchObject({ error: "forbidden" });
      expect(tooLow.headers.get("x-auth-user-id")).toBeNull();
      const unknown = await verify(bearer, "?role=superuser");
      expect(unknown.status).toBe(400);
      expect(await unknown.json()).toMatchObject({ error: "invalid_request" });
    });

    test("no credentials, a malformed header, garbage, a forged and an expired cookie: 401 JSON with the precise code and a challenge", async ({ page }) => {
      const cookie = await signIn(page);
      const claims = await sessionClaims(cookie);
      const cases: [string, Record<string, string>, string][] = [
        ["nothing", {}, "missing_token"],
        ["Basic", { authorization: "Basic Ym9iOmJvYg==" }, "invalid_authorization_header"],
        ["garbage Bearer", { authorization: "Bearer garbage.token.value" }, "invalid_token"],
        ["tampered cookie", cookieHeader(`${cookie.slice(0, -4)}AAAA`), "invalid_token"],
        ["expired cookie", cookieHeader(await forgeSessionCookie(claims, { issuedSecondsAgo: 2 * 3600 })), "token_expired"],
      ];
      for (const [what, headers, code] of cases) {
        const refused = await verify(headers);
        expect(refused.status, what).toBe(401);
        expect(refused.headers.get("www-authenticate"), what).toMatch(/^Bearer realm="voicesurveyagent"/);
        expect(refused.headers.get("x-vsa-error-code"), what).toBeNull();
        expect(refused.headers.get("set-cookie"), what).toBeNull();
        expect(await refused.json(), what).toMatchObject({ error: code });
      }
    });

    test("a cookie due for renewal comes back renewed once, HttpOnly and never stored by a shared cache; the renewed cookie works", async ({ page }) => {
      const cookie = await signIn(page);
      const due = await forgeSessionCookie(await sessionClaims(cookie), { issuedSecondsAgo: 10 * 60 });
      const renewed = await verify(cookieHeader(due));
      expect(renewed.status).toBe(204);
      // Exactly one: the middleware does not renew it a second time on the Next route.
      const setCookies = renewed.headers.getSetCookie();
      expect(setCookies).toHaveLength(1);
      expect(setCookies[0]).toMatch(new RegExp(`^${E2E.sessionCookieName.replace(".", "\\.")}=[^;]+; Path=/; Expires=[^;]+; Max-Age=\\d+; HttpOnly; SameSite=lax$`));
      expect(renewed.headers.get("cache-control")).toBe("private, no-store");
      const value = /=([^;]+)/.exec(setCookies[0]!)![1]!;
      expect(value).not.toBe(due);
      const again = await verify(cookieHeader(value));
      expect(again.status).toBe(204);
      expect(again.headers.get("set-cookie")).toBeNull();
    });

    test("a revoked sign-in is refused within 2 s (sign out everywhere through the app)", async ({ page }) => {
      const cookie = await signIn(page);
      const bearer = { authorization: `Bearer ${await mintApiToken(page)}` };
      expect((await verify(bearer)).status).toBe(204);
      expect((await verify(cookieHeader(cookie))).status).toBe(204);
      const loggedOut = await page.request.post("/api/auth/logout", { headers: { Origin: E2E.appUrl, "Content-Type": "application/json" }, data: { everywhere: true } });
      expect(loggedOut.status()).toBe(200);
      const startedAt = Date.now();
      for (const headers of [bearer, cookieHeader(cookie)]) {
        let refused: Response;
        do refused = await verify(headers);
        while (refused.status === 204 && Date.now() - startedAt < 2_000);
        expect(refused.status).toBe(401);
        expect(await refused.json()).toMatchObject({ error: "token_revoked" });
      }
      test.info().annotations.push({ type: `revocation seen by ${entry.name} after (ms)`, description: String(Date.now() - startedAt) });
    });
  });
}

test.describe("the forward-auth listener", () => {
  test("serves only forward auth and its liveness: JSON 404 for any other path, 405 for another method", async () => {
    const live = await fetch(`${E2E.forwardAuthUrl}/api/health/live`);
    expect(live.status).toBe(200);
    expect(await live.json()).toEqual({ status: "ok" });
    for (const path of ["/", "/api/auth/me", "/api/health", "/api/auth/verify/x", "/profile"]) {
      const missing = await fetch(`${E2E.forwardAuthUrl}${path}`);
      expect(missing.status, path).toBe(404);
      expect(missing.headers.get("x-vsa-error-code"), path).toBeNull();
      expect(await missing.json(), path).toMatchObject({ error: "not_found" });
    }
    const posted = await fetch(`${E2E.forwardAuthUrl}/api/auth/verify`, { method: "POST" });
    expect(posted.status).toBe(405);
    expect(posted.headers.get("allow")).toBe("GET, HEAD");
    const head = await fetch(`${E2E.forwardAuthUrl}/api/auth/verify`, { method: "HEAD" });
    expect(head.status).toBe(401);
  });

  test("a port it cannot listen on stops the app at startup, naming FORWARD_AUTH_PORT and the fix", async () => {
    test.setTimeout(90_000);
    const taken = `127.0.0.1:${E2E.forwardAuthPort}`;
    const started = startAppInstance(E2E.appPort + 1, { DATABASE_URL: process.env.DATABASE_URL!, FORWARD_AUTH_PORT: taken });
    await expect(started).rejects.toThrow(`FORWARD_AUTH_PORT: ${taken} is in use. Set FORWARD_AUTH_PORT to a free port (not PORT), or leave it unset.`);
  });

  test("its answers are counted in the app's metrics like the Next route's", async () => {
    const refusals = async () => {
      const text = await (await fetch(`${E2E.appUrl}/api/metrics`, { headers: { authorization: `Bearer ${E2E.appEnv.METRICS_TOKEN}` } })).text();
      return Number(/^vsa_api_refusals_total\{status="401",code="invalid_authorization_header"\} (\d+)/m.exec(text)?.[1] ?? 0);
    };
    const before = await refusals();
    for (let i = 0; i < 3; i++) expect((await fetch(`${E2E.forwardAuthUrl}/api/auth/verify`, { headers: { authorization: "Basic x" } })).status).toBe(401);
    expect(await refusals()).toBe(before + 3);
  });
});
