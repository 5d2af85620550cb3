import { expect, test } from "@playwright/test";
import { startAppInstance } from "../support/app-instance";
import { E2E } from "../support/e2e-settings";

const API_POLICY = "default-src 'none'; frame-ancestors 'none'";

function nonceOf(policy: string | undefined): string | undefined {
  return /'nonce-([^']+)'/.exec(policy ?? "")?.[1];
}

function expectConstantHeaders(headers: Record<string, string>) {
  expect(headers["x-content-type-options"]).toBe("nosniff");
  expect(headers["referrer-policy"]).toBe("strict-origin-when-cross-origin");
  expect(headers["x-frame-options"]).toBe("DENY");
  expect(headers["permissions-policy"]).toContain("camera=()");
  expect(headers["permissions-policy"]).toContain("microphone=()");
  expect(headers["permissions-policy"]).toContain("clipboard-write=(self)");
}

test("every page gets a policy with a nonce of its own, and Next.js puts that nonce on its scripts", async ({ request }) => {
  const pages = [
    ["/", 200],
    ["/signin", 200],
    ["/signin/error?error=idp_unreachable", 200],
    ["/no-such-page", 404],
    ["/service-unavailable", 503],
  ] as const;
  for (const [path, status] of pages) {
    const response = await request.get(path);
    expect(response.status(), path).toBe(status);
    const headers = response.headers();
    expectConstantHeaders(headers);
    const policy = headers["content-security-policy"]!;
    for (const directive of ["default-src 'none'", "object-src 'none'", "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'"]) {
      expect(policy, path).toContain(directive);
    }
    const nonce = nonceOf(policy);
    expect(policy).toContain(`script-src 'self' 'nonce-${nonce}' 'strict-dynamic'`);
    expect(policy).toContain(`style-src 'self' 'nonce-${nonce}'`);
    expect(policy).not.toMatch(/unsafe-inline|unsafe-eval/);
    // Plain http: no HSTS, and nothing to upgrade.
    expect(headers["strict-transport-security"]).toBeUndefined();
    expect(policy).not.toContain("upgrade-insecure-requests");
  }

  const first = await request.get("/signin");
  const second = await request.get("/signin");
  const nonce = nonceOf(first.headers()["content-security-policy"])!;
  expect(nonce).toMatch(/^[A-Za-z0-9+/]{22}==$/);
  expect(nonceOf(second.headers()["content-security-policy"])).not.toBe(nonce);
  const scripts = (await first.text()).match(/<script\b[^>]*>/g) ?? [];
  expect(scripts.length).toBeGreaterThan(0);
  for (const script of scripts) expect(script).toContain(`nonce="${nonce}"`);
});

test("API and JWKS answers allow a document nothing, the middleware's own 401 included", async ({ request }) => {
  const answers = [
    ["/api/auth/me", 401], // refused by the middleware itself: no credentials
    ["/api/health/live", 200], // public: through the middleware untouched
    ["/api/health", 200],
    ["/.well-known/jwks.json", 200], // outside the middleware
  ] as const;
  for (const [path, status] of answers) {
    const response = await request.get(path);
    expect(response.status(), path).toBe(status);
    expect(response.headers()["content-type"]).toContain("application/json");
    expect(response.headers()["content-security-policy"], path).toBe(API_POLICY);
    expectConstantHeaders(response.headers());
    expect(response.headers()["strict-transport-security"]).toBeUndefined();
  }
});

test("Chromium refuses to show a page inside another site's frame, and shows it once the headers are gone", async ({ page }) => {
  // The same page with its protection stripped: proves the frame below would load without it.
  await page.route(`${E2E.appUrl}/signin?framed=unprotected`, async (route) => {
    const response = await route.fetch();
    const { "content-security-policy": _policy, "x-frame-options": _frameOptions, ...headers } = response.headers();
    await route.fulfill({ response, headers });
  });
  const reports: string[] = [];
  page.on("console", (message) => reports.push(message.text()));

  await page.setContent(
    `<iframe name="protected" src="${E2E.appUrl}/signin"></iframe><iframe name="unprotected" src="${E2E.appUrl}/signin?framed=unprotected"></iframe>`,
  );
  await expect(page.frameLocator("iframe[name=unprotected]").getByRole("heading", { name: "Sign in" })).toBeVisible();
  // setContent waited for both frames to load: the protected one loaded Chromium's error page.
  await expect(page.frameLocator("iframe[name=protected]").getByRole("heading", { name: "Sign in" })).toHaveCount(0);
  expect(reports.some((report) => report.includes("frame-ancestors 'none'"))).toBe(true);
});

test("HSTS and upgrade-insecure-requests come with an https AUTH_URL, decided at run time by the same build", async ({ request }) => {
  const port = E2E.appPort + 2;
  const https = await startAppInstance(port, { AUTH_URL: `https://localhost:${port}` });
  try {
    // The sign-in callback too, which the middleware does not run for (the route adds it).
    for (const path of ["/signin", "/api/health/live", "/api/auth/me", "/api/auth/callback/oidc"]) {
      const response = await fetch(`${https.url}${path}`, { redirect: "manual" });
      expect(response.headers.get("strict-transport-security"), path).toBe("max-age=63072000; includeSubDomains");
    }
    const page = await fetch(`${https.url}/signin`);
    expect(page.headers.get("content-security-policy")).toContain("upgrade-insecure-requests");
  } finally {
    await https.stop();
  }
  // The suite's own app, the same build on plain http: none of it.
  const plain = await request.get("/signin");
  expect(plain.headers()["strict-transport-security"]).toBeUndefined();
  expect(plain.headers()["content-security-policy"]).not.toContain("upgrade-insecure-requests");
});
