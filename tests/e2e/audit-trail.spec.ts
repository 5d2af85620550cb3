import { expect, test, type Browser, type Page } from "@playwright/test";
import pg from "pg";
import { E2E } from "../support/e2e-settings";
import { watchPolicyViolations } from "../support/policy-violations";
import { consent, signInThroughProvider } from "../support/sign-in-flow";

// Carol is the suite's spare account: made admin for a test here (the console's own way to
// make admins is not on this branch), then put back. Alice and Bob stay viewers.
const ADMIN = { login: "carol@example.com", password: "carol" };

async function withDatabase<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

const setRole = (email: string, role: "admin" | "viewer") => withDatabase((client) => client.query('UPDATE "User" SET role = $1::"Role" WHERE email = $2', [role, email]));

async function signIn(page: Page, login: string, password: string) {
  await signInThroughProvider(page, login, password);
  await consent(page);
  await expect(page).toHaveURL(`${E2E.appUrl}/profile`);
}

/** Signs out through the header's button and the IdP's own logout page (which also sends the back-channel logout). */
async function signOut(page: Page) {
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await page.getByRole("button", { name: "Yes, sign me out" }).click();
  await expect(page).toHaveURL(`${E2E.appUrl}/`);
}

/** An admin's page on /admin/audit: Carol signed in, then promoted (her role is read from the database, cached up to 2 s). */
async function adminOnAuditPage(browser: Browser) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, ADMIN.login, ADMIN.password);
  await setRole(ADMIN.login, "admin");
  await expect(async () => {
    await page.goto("/admin/audit");
    await expect(page.getByRole("heading", { name: "Audit trail" })).toBeVisible({ timeout: 500 });
  }).toPass();
  return {
    page,
    async close() {
      await setRole(ADMIN.login, "viewer");
      await page.request.post("/api/auth/logout", { headers: { Origin: E2E.appUrl }, data: { everywhere: true } });
      await context.close();
    },
  };
}

test("at 1280 px the events table is exactly as wide as the filter card above it, and the page never scrolls sideways", async ({ browser }) => {
  const admin = await adminOnAuditPage(browser);
  try {
    const { page } = admin;
    await page.setViewportSize({ width: 1280, height: 900 });
    const table = await page.getByRole("region", { name: "Audit events, newest first" }).boundingBox();
    const filters = await page.getByRole("form", { name: "Filter" }).boundingBox();
    expect(table && filters).toBeTruthy();
    expect(Math.abs(table!.x - filters!.x)).toBeLessThanOrEqual(1);
    expect(Math.abs(table!.width - filters!.width)).toBeLessThanOrEqual(1);
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth)).toBe(true);
  } finally {
    await admin.close();
  }
});

test("every page names its icon, and the browser asks for nothing that is not there", async ({ page }) => {
  const missing: string[] = [];
  page.on("response", (response) => {
    if (response.status() === 404) missing.push(response.url());
  });
  await page.goto("/");
  const icon = await page.locator('link[rel="icon"]').first().getAttribute("href");
  expect(icon).toMatch(/^\/icon\.svg/);
  const served = await page.request.get(icon!);
  expect(served.status()).toBe(200);
  expect(served.headers()["content-type"]).toMatch(/image\/svg\+xml/);
  await page.waitForLoadState("networkidle");
  expect(missing).toEqual([]);
});

test("an admin sees a real sign-in and sign-out on the audit page, filters them by keyboard, and pages through", async ({ browser }, testInfo) => {
  const bobContext = await browser.newContext();
  const bob = await bobContext.newPage();
  await signIn(bob, "bob@example.com", "bob");
  await signOut(bob);
  await bobContext.close();

  const admin = await adminOnAuditPage(browser);
  try {
    const { page } = admin;
    const violations = await watchPolicyViolations(page);
    await page.reload();

    // Keyboard only: the user field by its label, the action list, Enter submits.
    await page.getByLabel("User (email or id)").focus();
    await page.keyboard.type("Bob@Example.com");
    await page.keyboard.press("Enter");
    await expect(page).toHaveURL(/\/admin\/audit\?user=Bob%40Example\.com/);
    const table = page.getByTestId("audit-events");
    await expect(table.getByRole("columnheader", { name: "Action" })).toBeVisible();

    // Bob's newest events: the IdP's back-channel logout (it had nothing left to end), his sign-out, his sign-in.
    const rows = table.locator("tbody tr");
    await expect(rows.nth(0)).toHaveAttribute("data-action", "access_revoked");
    await expect(rows.nth(1)).toHaveAttribute("data-action", "sign_out");
    await expect(rows.nth(2)).toHaveAttribute("data-action", "sign_in_succeeded");
    await expect(rows.nth(1)).toContainText("Signed out");
    await expect(rows.nth(1).getByRole("cell").nth(2)).toHaveText("bob@example.com");
    await expect(rows.nth(1)).toContainText(/127\.0\.0\.1|::1/);
    await expect(rows.nth(1)).toContainText("Chrome/");
    await expect(rows.nth(2)).toContainText("System");
    await expect(rows.nth(2)).toContainText("userCreated:");
    await expect(rows.nth(2)).toContainText("familyId:");
    await expect(rows.nth(0)).toContainText("revokedFamilies:0");

    await page.getByLabel("Action").selectOption("sign_out");
    await page.getByRole("button", { name: "Show events" }).press("Enter");
    await expect(page).toHaveURL(/action=sign_out/);
    await expect(rows.first()).toHaveAttribute("data-action", "sign_out");
    expect(new Set(await rows.evaluateAll((elements) => elements.map((row) => row.getAttribute("data-action"))))).toEqual(new Set(["sign_out"]));

    // Keyset pagination: one event per page, the next page's first is older.
    await page.goto(`/admin/audit?user=bob%40example.com&limit=1`);
    const newest = await rows.first().locator("time").getAttribute("datetime");
    await page.getByRole("link", { name: "Older events" }).click();
    await expect(page).toHaveURL(/cursor=/);
    const older = await rows.first().locator("time").getAttribute("datetime");
    expect(Date.parse(older!)).toBeLessThanOrEqual(Date.parse(newest!));
    await expect(page.getByRole("link", { name: "Newest events" })).toBeVisible();

    // A bad filter is explained on the page, not a crash.
    await page.goto("/admin/audit?from=last-tuesday");
    await expect(page.getByTestId("audit-query-error")).toContainText("from and to must be dates");

    await page.goto("/admin/audit?user=bob%40example.com");
    // Kept as a test artefact (test-results/), for a look at the page as an admin sees it.
    const screenshot = testInfo.outputPath("audit-trail.png");
    await page.screenshot({ path: screenshot, fullPage: true });
    await testInfo.attach("audit-trail", { path: screenshot, contentType: "image/png" });
    expect(violations).toEqual([]);

    // The same through the API, with the admin's cookie.
    const api = await page.request.get("/api/audit?user=bob%40example.com&action=sign_in_succeeded&limit=1");
    expect(api.status()).toBe(200);
    const body = await api.json();
    expect(body.events).toEqual([expect.objectContaining({ action: "sign_in_succeeded", targetEmail: "bob@example.com", detail: expect.objectContaining({ userCreated: expect.any(Boolean) }) })]);
    expect(typeof body.nextCursor === "string" || body.nextCursor === null).toBe(true);
  } finally {
    await admin.close();
  }
});

test("a viewer gets the 403 page at /admin/audit and 403 JSON from /api/audit", async ({ page }) => {
  await signIn(page, "bob@example.com", "bob");
  const response = await page.goto("/admin/audit");
  expect(response?.status()).toBe(403);
  await expect(page.getByTestId("forbidden")).toBeVisible();
  const api = await page.request.get("/api/audit");
  expect(api.status()).toBe(403);
  expect(await api.json()).toMatchObject({ error: "forbidden" });
});

test("a refused sign-in is on the trail under the reference the person is shown, about the user it concerns", async ({ page }) => {
  await signIn(page, "alice@example.com", "alice");
  await page.context().clearCookies();
  await signInThroughProvider(page, "twin@example.com", "twin");
  await consent(page);
  await expect(page).toHaveURL(/\/signin\/error\?error=account_conflict&ref=/);
  const ref = new URL(page.url()).searchParams.get("ref");
  const [event] = await withDatabase(async (client) =>
    (
      await client.query(
        'SELECT e.action, e.detail, e."ipAddress", u.email AS "targetEmail" FROM "AuditEvent" e LEFT JOIN "User" u ON u.id = e."targetUserId" WHERE e."requestId" = $1',
        [ref],
      )
    ).rows,
  );
  expect(event).toMatchObject({ action: "sign_in_refused", targetEmail: "alice@example.com", detail: { code: "account_conflict", idpSubject: "dev-alice-twin" } });
  expect(event.ipAddress).toMatch(/^(127\.0\.0\.1|::1)$/);
});

test("a sign-in goes through when its audit event cannot be written", async ({ browser }) => {
  const userAgent = `audit-trail-down-e2e-${Date.now()}`;
  // A real failure of the audit table for this browser only (its user agent), as a full disk or a lost privilege would be.
  await withDatabase(async (client) => {
    await client.query(`CREATE OR REPLACE FUNCTION vsa_e2e_refuse_audit_event() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW."userAgent" LIKE 'audit-trail-down-e2e-%' THEN RAISE EXCEPTION 'the audit trail is unavailable (e2e trigger)'; END IF; RETURN NEW; END $$`);
    await client.query('DROP TRIGGER IF EXISTS vsa_e2e_refuse_audit_event ON "AuditEvent"');
    await client.query('CREATE TRIGGER vsa_e2e_refuse_audit_event BEFORE INSERT ON "AuditEvent" FOR EACH ROW EXECUTE FUNCTION vsa_e2e_refuse_audit_event()');
  });
  const context = await browser.newContext({ userAgent });
  try {
    const page = await context.newPage();
    await signIn(page, "bob@example.com", "bob");
    await expect(page.getByTestId("profile-email")).toHaveText("bob@example.com");
    const written = await withDatabase(async (client) => (await client.query('SELECT count(*)::int AS n FROM "AuditEvent" WHERE "userAgent" = $1', [userAgent])).rows[0].n);
    expect(written).toBe(0);
  } finally {
    await context.close();
    await withDatabase((client) => client.query('DROP TRIGGER IF EXISTS vsa_e2e_refuse_audit_event ON "AuditEvent"'));
  }
});
