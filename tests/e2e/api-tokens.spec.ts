import { expect, request as playwrightRequest, test, type Page } from "@playwright/test";
import { E2E } from "../support/e2e-settings";
import { consent, signInThroughProvider } from "../support/sign-in-flow";

async function signIn(page: Page, login = "alice@example.com", password = "alice") {
  await signInThroughProvider(page, login, password);
  await consent(page);
  await expect(page).toHaveURL(`${E2E.appUrl}/profile`);
}

async function createApiToken(page: Page) {
  await page.getByRole("button", { name: "Create API token" }).click();
  const accessToken = (await page.getByTestId("api-access-token").textContent())!.trim();
  const refreshToken = (await page.getByTestId("api-refresh-token").textContent())!.trim();
  await expect(page.getByTestId("api-curl-example")).toContainText(`curl -H "Authorization: Bearer ${accessToken}" ${E2E.appUrl}/api/auth/me`);
  return { accessToken, refreshToken };
}

/** A client with no browser cookies, as curl or another service would call the API. */
async function apiClient() {
  return playwrightRequest.newContext({ baseURL: E2E.appUrl });
}

test("an API token from the profile page works as curl would use it, and signing out revokes it", async ({ page }) => {
  await signIn(page);
  const { accessToken } = await createApiToken(page);
  const api = await apiClient();
  const me = await api.get("/api/auth/me", { headers: { Authorization: `Bearer ${accessToken}` } });
  expect(me.status()).toBe(200);
  expect(await me.json()).toMatchObject({ email: "alice@example.com", role: "viewer" });

  // Sign out: the app, then the IdP's own logout page, then back on the app, signed out.
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Sign out" })).toBeVisible();
  expect(new URL(page.url()).origin).toBe(E2E.issuer);
  await page.getByRole("button", { name: "Yes, sign me out" }).click();
  await expect(page).toHaveURL(`${E2E.appUrl}/`);
  await expect(page.getByRole("link", { name: "Sign in" })).toBeVisible();

  const after = await api.get("/api/auth/me", { headers: { Authorization: `Bearer ${accessToken}` } });
  expect(after.status()).toBe(401);
  expect(await after.json()).toMatchObject({ error: "token_revoked" });
  expect(after.headers()["www-authenticate"]).toContain('error="invalid_token"');
  await api.dispose();
});

test("refresh rotates the pair and a replayed refresh token revokes the family", async ({ page }) => {
  await signIn(page, "bob@example.com", "bob");
  const { refreshToken } = await createApiToken(page);
  const api = await apiClient();

  const refreshed = await api.post("/api/auth/refresh", { data: { refresh_token: refreshToken } });
  expect(refreshed.status()).toBe(200);
  const pair = await refreshed.json();
  expect(pair).toMatchObject({ token_type: "Bearer", expires_in: 900 });
  expect(pair.refresh_token).not.toBe(refreshToken);
  expect((await api.get("/api/auth/me", { headers: { Authorization: `Bearer ${pair.access_token}` } })).status()).toBe(200);

  const replay = await api.post("/api/auth/refresh", { data: { refresh_token: refreshToken } });
  expect(replay.status()).toBe(401);
  expect(await replay.json()).toMatchObject({ error: "refresh_token_reused" });
  const revoked = await api.get("/api/auth/me", { headers: { Authorization: `Bearer ${pair.access_token}` } });
  expect(await revoked.json()).toMatchObject({ error: "token_revoked" });
  // The browser session the token came from is untouched.
  expect((await page.request.get("/api/auth/me")).status()).toBe(200);
  await api.dispose();
});

test("a back-channel logout sent by the provider ends the browser session", async ({ page }) => {
  await signIn(page, "bob@example.com", "bob");
  expect((await page.request.get("/api/auth/me")).status()).toBe(200);

  // Sign out at the IdP directly (as from another application): it notifies the app.
  await page.goto(`${E2E.issuer}/session/end`);
  await page.getByRole("button", { name: "Yes, sign me out" }).click();
  await expect(page.getByRole("heading", { name: "Signed out" })).toBeVisible();

  const me = await page.request.get("/api/auth/me");
  expect(me.status()).toBe(401);
  expect(await me.json()).toMatchObject({ error: "token_revoked" });
  await page.goto("/profile");
  await expect(page.getByTestId("sign-in-error")).toContainText("Your session has ended");
});

test("API tokens are only created by a same-origin request", async ({ page }) => {
  await signIn(page);
  const crossSite = await page.request.post("/api/auth/token", { headers: { Origin: "https://evil.example" } });
  expect(crossSite.status()).toBe(403);
  expect(await crossSite.json()).toMatchObject({ error: "forbidden" });
  const sameSite = await page.request.post("/api/auth/token", { headers: { Origin: E2E.appUrl } });
  expect(sameSite.status()).toBe(200);
});

test("the signing keys are published without their private parts", async ({ request }) => {
  const response = await request.get("/.well-known/jwks.json");
  expect(response.status()).toBe(200);
  const { keys } = await response.json();
  expect(keys).toEqual([expect.objectContaining({ kid: "e2e-test-key", alg: "ES256", use: "sig", kty: "EC" })]);
  expect(keys[0]).not.toHaveProperty("d");
});

test("the forward-auth endpoint answers who the caller is, for a cookie and a Bearer token", async ({ page }) => {
  await signIn(page, "bob@example.com", "bob");
  const byCookie = await page.request.get("/api/auth/verify");
  expect(byCookie.status()).toBe(204);
  expect(byCookie.headers()).toMatchObject({ "x-auth-email": "bob@example.com", "x-auth-role": "viewer" });
  expect(byCookie.headers()["set-cookie"]).toBeUndefined();

  const { accessToken } = await createApiToken(page);
  const api = await apiClient();
  const byBearer = await api.get("/api/auth/verify", { headers: { Authorization: `Bearer ${accessToken}` } });
  expect(byBearer.status()).toBe(204);
  expect(byBearer.headers()["x-auth-user-id"]).toBe(byCookie.headers()["x-auth-user-id"]);
  expect(byBearer.headers()["x-auth-email"]).toBe("bob@example.com");

  const tooLow = await api.get("/api/auth/verify?role=admin", { headers: { Authorization: `Bearer ${accessToken}` } });
  expect(tooLow.status()).toBe(403);
  expect(await tooLow.json()).toMatchObject({ error: "forbidden" });
  const garbage = await api.get("/api/auth/verify", { headers: { Authorization: "Bearer garbage" } });
  expect(garbage.status()).toBe(401);
  expect(await garbage.json()).toMatchObject({ error: "invalid_token" });
  const live = await api.get("/api/health/live");
  expect(live.status()).toBe(200);
  const ready = await api.get("/api/health/ready");
  expect(ready.status()).toBe(200);
  expect(await ready.json()).toEqual({ status: "ready", database: "ok", identityProvider: "ok", shuttingDown: false });
  await api.dispose();
});

test("sign out everywhere ends the user's other sign-ins and their API tokens", async ({ page, browser }) => {
  await signIn(page, "bob@example.com", "bob");
  const { accessToken } = await createApiToken(page);
  const otherDevice = await browser.newContext();
  const otherPage = await otherDevice.newPage();
  await signIn(otherPage, "bob@example.com", "bob");

  await otherPage.getByRole("button", { name: "Sign out everywhere" }).click();
  await otherPage.getByRole("button", { name: "Yes, sign me out" }).click();
  await expect(otherPage).toHaveURL(`${E2E.appUrl}/`);

  const firstDevice = await page.request.get("/api/auth/me");
  expect(await firstDevice.json()).toMatchObject({ error: "token_revoked" });
  const api = await apiClient();
  const byToken = await api.get("/api/auth/me", { headers: { Authorization: `Bearer ${accessToken}` } });
  expect(await byToken.json()).toMatchObject({ error: "token_revoked" });
  await api.dispose();
  await otherDevice.close();
});

test("a path under /api that no route serves: 401 without credentials, 404 JSON for a signed-in caller", async ({ page }) => {
  const api = await apiClient();
  const anonymous = await api.get("/api/no/such/route");
  expect(anonymous.status()).toBe(401);
  expect(await anonymous.json()).toMatchObject({ error: "missing_token" });
  await api.dispose();
  await signIn(page, "bob@example.com", "bob");
  const missing = await page.request.get("/api/no/such/route");
  expect(missing.status()).toBe(404);
  expect(missing.headers()["content-type"]).toContain("application/json");
  expect(await missing.json()).toMatchObject({ error: "not_found" });
  expect((await page.request.post("/api/no/such/route", { headers: { Origin: E2E.appUrl } })).status()).toBe(404);
});

test("an authenticated logout with a body over 16 KiB is refused (413), declared or chunked, and signs nobody out", async ({ page }) => {
  await signIn(page, "bob@example.com", "bob");
  const { accessToken } = await createApiToken(page);
  const headers = { Authorization: `Bearer ${accessToken}`, "content-type": "application/json" };
  const oversized = JSON.stringify({ everywhere: true, padding: "x".repeat(20 * 1024) });
  const declared = await fetch(`${E2E.appUrl}/api/auth/logout`, { method: "POST", headers, body: oversized });
  expect(declared.status).toBe(413);
  expect(await declared.json()).toMatchObject({ error: "payload_too_large" });
  // Chunked, with no length to refuse by: counted while read, past what Next hands the route.
  const chunks = [oversized.slice(0, 10_000), oversized.slice(10_000)];
  const stream = new ReadableStream({ pull: (controller) => (chunks.length ? controller.enqueue(new TextEncoder().encode(chunks.shift())) : controller.close()) });
  const chunked = await fetch(`${E2E.appUrl}/api/auth/logout`, { method: "POST", headers, body: stream, duplex: "half" } as RequestInit);
  expect(chunked.status).toBe(413);
  const me = await fetch(`${E2E.appUrl}/api/auth/me`, { headers: { Authorization: `Bearer ${accessToken}` } });
  expect(me.status).toBe(200);
  // The same request within the limit is answered.
  const small = await fetch(`${E2E.appUrl}/api/auth/logout`, { method: "POST", headers, body: "{}" });
  expect(small.status).toBe(200);
});
