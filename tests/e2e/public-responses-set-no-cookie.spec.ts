import { expect, test } from "@playwright/test";
import { E2E } from "../support/e2e-settings";
import { forgeSessionCookie, sessionClaims } from "../support/forged-session-cookie";
import { consent, signInThroughProvider } from "../support/sign-in-flow";

// fetch rather than a Playwright request context: no cookie jar, so every request carries
// exactly the old cookie, never a renewed one picked up on the way.
function getWithCookie(path: string, cookie: string) {
  return fetch(`${E2E.appUrl}${path}`, { headers: { cookie: `${E2E.sessionCookieName}=${cookie}` }, redirect: "manual" });
}

test("public, cacheable answers never set a cookie, even for a session due for renewal; a gated route renews that same cookie", async ({ page }) => {
  await signInThroughProvider(page, "alice@example.com", "alice");
  await consent(page);
  await expect(page).toHaveURL(`${E2E.appUrl}/profile`);
  const issued = (await page.context().cookies()).find((cookie) => cookie.name === E2E.sessionCookieName)!;
  // The same sign-in, as if its cookie had been issued ten minutes ago: the middleware renews
  // cookies older than five.
  const dueForRenewal = await forgeSessionCookie(await sessionClaims(issued.value), { issuedSecondsAgo: 10 * 60 });

  const jwks = await getWithCookie("/.well-known/jwks.json", dueForRenewal);
  expect(jwks.status).toBe(200);
  expect(jwks.headers.get("cache-control")).toContain("public");
  expect(jwks.headers.get("set-cookie")).toBeNull();
  for (const path of ["/api/health", "/api/health/live"]) {
    const health = await getWithCookie(path, dueForRenewal);
    expect(health.status, path).toBe(200);
    expect(health.headers.get("set-cookie"), path).toBeNull();
  }

  // Where the session counts, the very same cookie is renewed: the checks above could fail.
  const verify = await getWithCookie("/api/auth/verify", dueForRenewal);
  expect(verify.status).toBe(204);
  expect(verify.headers.get("x-auth-email")).toBe("alice@example.com");
  expect(verify.headers.get("set-cookie")).toContain(`${E2E.sessionCookieName}=`);
  const home = await getWithCookie("/", dueForRenewal);
  expect(home.status).toBe(200);
  expect(home.headers.get("set-cookie")).toContain(`${E2E.sessionCookieName}=`);
});
