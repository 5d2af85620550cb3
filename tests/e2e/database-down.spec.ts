import { randomUUID } from "node:crypto";
import net from "node:net";
import { expect, test, type Page } from "@playwright/test";
import { startAppInstance, type AppInstance } from "../support/app-instance";
import { E2E } from "../support/e2e-settings";
import { forgeSessionCookie } from "../support/forged-session-cookie";
import { watchPolicyViolations } from "../support/policy-violations";

/** A port nothing listens on: taken from the system, then let go. */
async function closedPort(): Promise<number> {
  const server = net.createServer().listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

let outage: AppInstance;
let cookie: string;

test.beforeAll(async () => {
  // The same build, with its database on a port where nothing answers.
  outage = await startAppInstance(E2E.appPort + 1, { DATABASE_URL: `postgresql://vsa:vsa@127.0.0.1:${await closedPort()}/vsa?sslmode=disable` });
  // A valid session cookie (the app only learns whether its sign-in is still active from the
  // database), so the pages really ask the database instead of treating the visitor as signed out.
  cookie = await forgeSessionCookie({ sub: randomUUID(), role: "viewer", familyId: randomUUID(), authTime: Math.floor(Date.now() / 1000), email: "outage@example.com", name: "Outage" });
});
test.afterAll(() => outage?.stop());

async function withSession(page: Page, appUrl: string) {
  await page.context().addCookies([{ name: E2E.sessionCookieName, value: cookie, url: appUrl, httpOnly: true, sameSite: "Lax" }]);
}

test("pages answer a styled 503 that offers to come back, under the pages' own policy", async ({ page }) => {
  await withSession(page, outage.url);
  const violations = await watchPolicyViolations(page);
  for (const path of ["/profile", "/"]) {
    const response = await page.goto(`${outage.url}${path}`);
    expect(response?.status(), path).toBe(503);
    expect(response?.headers()["retry-after"]).toBe("30");
    expect(page.url()).toBe(`${outage.url}/service-unavailable?from=${encodeURIComponent(path)}`);
    await expect(page.getByRole("heading", { name: "Service unavailable" })).toBeVisible();
    const retry = page.getByRole("link", { name: "Try again" });
    await expect(retry).toHaveAttribute("href", path);
    // Styled: its inline stylesheet carries the response's nonce, or this would be the browser default.
    await expect(retry).toHaveCSS("background-color", "rgb(79, 70, 229)");
  }
  expect(violations).toEqual([]);
});

test("the sign-in pages still render, and a link from them to a page that needs the database ends on the 503", async ({ page }) => {
  await withSession(page, outage.url);
  const signIn = await page.goto(`${outage.url}/signin`);
  expect(signIn?.status()).toBe(200);
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
  const error = await page.goto(`${outage.url}/signin/error?error=idp_unreachable`);
  expect(error?.status()).toBe(200);
  await expect(page.getByTestId("sign-in-error")).toBeVisible();
  // A client-side navigation: the router follows the page's redirect to the 503 page.
  await page.getByRole("link", { name: "Back to the start page" }).click();
  await expect(page.getByRole("heading", { name: "Service unavailable" })).toBeVisible();
  await expect(page).toHaveURL(`${outage.url}/service-unavailable?from=%2F`);
});

test("the API answers 503 JSON wherever it needs the database, and nothing answers 500", async () => {
  const call = (path: string, init: RequestInit = {}) =>
    fetch(`${outage.url}${path}`, {
      ...init,
      redirect: "manual",
      headers: { cookie: `${E2E.sessionCookieName}=${cookie}`, origin: outage.url, "content-type": "application/json", ...init.headers },
    });
  const needTheDatabase: [string, RequestInit?][] = [
    ["/api/auth/me"],
    ["/api/auth/verify"],
    ["/api/auth/session"],
    ["/api/auth/token", { method: "POST" }],
    ["/api/auth/logout", { method: "POST", body: "{}" }],
    ["/api/auth/refresh", { method: "POST", body: JSON.stringify({ refresh_token: "vsa_rt_unknown" }) }],
  ];
  for (const [path, init] of needTheDatabase) {
    const response = await call(path, init);
    expect(response.status, path).toBe(503);
    expect(response.headers.get("retry-after"), path).toBe("5");
    expect(await response.json(), path).toMatchObject({ error: "service_unavailable" });
  }
  const health = await call("/api/health");
  expect(health.status).toBe(503);
  expect(await health.json()).toEqual({ status: "degraded", database: "unreachable" });
  const ready = await call("/api/health/ready");
  expect(ready.status).toBe(503);
  expect(await ready.json()).toMatchObject({ status: "not_ready", database: "unreachable", shuttingDown: false });
  // What does not need the database keeps working.
  expect((await call("/api/health/live")).status).toBe(200);
  expect((await call("/.well-known/jwks.json")).status).toBe(200);
  expect((await call("/api/auth/login")).status).toBe(302);
});

test("the same cookie on the suite's healthy app gets no 503: the outage is the cause", async ({ page }) => {
  await withSession(page, E2E.appUrl);
  // A sign-in the database does not know: the page sends the visitor to sign in again.
  const response = await page.goto("/profile");
  expect(response?.status()).toBe(200);
  await expect(page).toHaveURL(/\/signin\?error=session_ended/);
  expect((await page.request.get("/api/auth/me")).status()).toBe(401);
});
