import { spawnSync } from "node:child_process";
import { expect, test, type Browser, type BrowserContext, type Locator, type Page, type TestInfo } from "@playwright/test";
import pg from "pg";
import { startAppInstance, type AppInstance } from "../support/app-instance";
import { E2E } from "../support/e2e-settings";
import { watchPolicyViolations, type PolicyViolation } from "../support/policy-violations";
import { consent, signInThroughProvider } from "../support/sign-in-flow";

// One story, in order: alice is made admin with the CLI, then administers bob. The other suites
// expect alice and bob to be active viewers, so both are put back at the end, whatever happened.
test.describe.configure({ mode: "serial" });

const BOB = "bob@example.com";

async function sql(text: string, values: unknown[] = []) {
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  try {
    return (await client.query(text, values)).rows;
  } finally {
    await client.end();
  }
}

const restoreViewers = () => sql(`UPDATE "User" SET role = 'viewer', "disabledAt" = NULL WHERE email IN ('alice@example.com', $1)`, [BOB]);

/** `npm run users -- …` against the suite's database, as an operator on a fresh install. */
function usersCli(...args: string[]) {
  return spawnSync("npm", ["run", "--silent", "users", "--", ...args], { env: process.env, encoding: "utf8", timeout: 60_000 });
}

async function signedIn(browser: Browser, login: string, password: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signInThroughProvider(page, login, password);
  await consent(page);
  await expect(page).toHaveURL(`${E2E.appUrl}/profile`);
  return { context, page };
}

async function screenshot(page: Page, testInfo: TestInfo, name: string) {
  await testInfo.attach(name, { body: await page.screenshot({ fullPage: true }), contentType: "image/png" });
}

/** Presses Tab until `target` has the focus: the way a keyboard user gets there. */
async function tabTo(page: Page, target: Locator, maxPresses = 60) {
  for (let press = 0; press < maxPresses; press++) {
    if (await target.evaluate((element) => element === document.activeElement)) return;
    await page.keyboard.press("Tab");
  }
  throw new Error(`Tab never reached ${target}`);
}

let alice: { context: BrowserContext; page: Page };
let bob: { context: BrowserContext; page: Page };
let aliceViolations: PolicyViolation[];

test.beforeAll(async ({ browser }) => {
  await restoreViewers();
  alice = await signedIn(browser, "alice@example.com", "alice");
  aliceViolations = await watchPolicyViolations(alice.page);
  bob = await signedIn(browser, BOB, "bob");
});

test.afterAll(async () => {
  await restoreViewers();
  await alice?.context.close();
  await bob?.context.close();
});

const bobRow = (page: Page) => page.getByRole("row", { name: new RegExp(BOB.replace(/[.]/g, "\\.")) });

async function openBobInConsole(page: Page) {
  await page.goto("/admin");
  await page.getByLabel("Email or name starts with").fill("bob@");
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page).toHaveURL(/\/admin\?q=bob%40/);
  await expect(bobRow(page)).toBeVisible();
}

test("alice, made admin with the CLI, promotes bob; bob's next page shows it; the console stays closed to him", async () => {
  const testInfo = test.info();
  const made = usersCli("set-role", "alice@example.com", "admin");
  expect(made.stderr).toBe("");
  expect(made.status).toBe(0);

  // The CLI is another process: alice's instance sees her new role within its 2-second cache.
  await expect(async () => {
    await alice.page.goto("/admin");
    await expect(alice.page.getByRole("heading", { name: "Users", level: 1 })).toBeVisible({ timeout: 500 });
  }).toPass({ timeout: 10_000 });
  await expect(alice.page.getByRole("navigation", { name: "Administration" }).getByRole("link", { name: "Users" })).toHaveAttribute("aria-current", "page");
  await expect(alice.page.getByRole("link", { name: "Administration" })).toBeVisible();
  await screenshot(alice.page, testInfo, "admin-console-users");

  await openBobInConsole(alice.page);
  await expect(bobRow(alice.page)).toContainText("viewer");
  await bobRow(alice.page).getByRole("button", { name: `Change role of ${BOB}` }).click();
  const dialog = alice.page.getByRole("dialog", { name: `Change the role of ${BOB}` });
  await expect(dialog).toBeVisible();
  await dialog.getByLabel("New role").selectOption("campaign_manager");
  await screenshot(alice.page, testInfo, "admin-console-change-role-dialog");
  await dialog.getByRole("button", { name: "Change role" }).click();
  await expect(dialog).toBeHidden();
  await expect(bobRow(alice.page)).toContainText("campaign manager");

  // Bob's very next page load, without signing in again.
  await bob.page.goto("/profile");
  await expect(bob.page.getByTestId("profile-role")).toHaveText("campaign manager");
  const forbidden = await bob.page.goto("/admin");
  expect(forbidden?.status()).toBe(403);
  await expect(bob.page.getByTestId("forbidden")).toBeVisible();
  await expect(bob.page.getByRole("navigation", { name: "Administration" })).toHaveCount(0);
  const api = await bob.page.request.get("/api/users");
  expect(api.status()).toBe(403);
  expect(await api.json()).toMatchObject({ error: "forbidden" });
  expect(aliceViolations).toEqual([]);
});

test("the API: admins list and change users with a same-origin cookie; another origin is refused", async () => {
  const listed = await alice.page.request.get(`/api/users?q=${encodeURIComponent(BOB)}`);
  expect(listed.status()).toBe(200);
  const { users, nextCursor } = await listed.json();
  expect(nextCursor).toBeNull();
  expect(users).toEqual([expect.objectContaining({ email: BOB, role: "campaign_manager", status: "active" })]);
  // Earlier runs' sign-ins of bob may still be active: this suite's is one of them.
  expect(users[0].activeSessions).toBeGreaterThanOrEqual(1);
  const { id, version } = users[0];

  const crossOrigin = await alice.page.request.patch(`/api/users/${id}`, { headers: { origin: "https://evil.example" }, data: { role: "admin", version } });
  expect(crossOrigin.status()).toBe(403);
  const stale = await alice.page.request.patch(`/api/users/${id}`, { headers: { origin: E2E.appUrl }, data: { role: "viewer", version: version - 1 } });
  expect(stale.status()).toBe(409);
  expect(await stale.json()).toMatchObject({ error: "conflict" });
  // Bob's own page in the console is closed to him as the console is.
  expect((await bob.page.goto(`/admin/users/${id}`))?.status()).toBe(403);
  const details = await alice.page.request.get(`/api/users/${id}`);
  expect(await details.json()).toMatchObject({ email: BOB, version, sessions: expect.arrayContaining([expect.objectContaining({ kind: "browser" })]), apiTokens: expect.any(Array) });
});

test("the role change works with the keyboard alone", async () => {
  const testInfo = test.info();
  await openBobInConsole(alice.page);
  const trigger = bobRow(alice.page).getByRole("button", { name: `Change role of ${BOB}` });
  await alice.page.getByRole("link", { name: "Skip to content" }).focus();
  await tabTo(alice.page, trigger);
  await alice.page.keyboard.press("Enter");
  const dialog = alice.page.getByRole("dialog", { name: `Change the role of ${BOB}` });
  await expect(dialog).toBeVisible();
  // The dialog put the focus on its first control, the role.
  const role = dialog.getByLabel("New role");
  await expect(role).toBeFocused();
  await alice.page.keyboard.type("v");
  await expect(role).toHaveValue("viewer");
  await alice.page.keyboard.press("Tab");
  await expect(dialog.getByRole("button", { name: "Cancel" })).toBeFocused();
  await alice.page.keyboard.press("Tab");
  await expect(dialog.getByRole("button", { name: "Change role" })).toBeFocused();
  await screenshot(alice.page, testInfo, "admin-console-keyboard-confirm");
  await alice.page.keyboard.press("Enter");
  await expect(dialog).toBeHidden();
  await expect(bobRow(alice.page)).toContainText("viewer");
  // The focus is back where the keyboard user started.
  await expect(trigger).toBeFocused();

  // Escape cancels without changing anything.
  await alice.page.keyboard.press("Enter");
  await expect(dialog).toBeVisible();
  await alice.page.keyboard.type("a");
  await alice.page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  await expect(bobRow(alice.page)).toContainText("viewer");
  expect(aliceViolations).toEqual([]);
});

test("alice disables bob: his next API call is refused, his next sign-in says the account is disabled; then she enables him", async ({ browser }) => {
  const testInfo = test.info();
  await openBobInConsole(alice.page);
  await bobRow(alice.page).getByRole("button", { name: `Disable ${BOB}` }).click();
  const dialog = alice.page.getByRole("dialog", { name: `Disable ${BOB}?` });
  await expect(dialog).toContainText("They are signed out at once");
  await dialog.getByRole("button", { name: "Disable" }).click();
  await expect(dialog).toBeHidden();
  await expect(bobRow(alice.page)).toContainText("disabled");

  const me = await bob.page.request.get("/api/auth/me");
  expect(me.status()).toBe(401);
  expect(await me.json()).toMatchObject({ error: "token_revoked" });

  const again = await browser.newContext();
  const page = await again.newPage();
  await signInThroughProvider(page, BOB, "bob");
  await consent(page);
  await expect(page).toHaveURL(/\/signin\/error\?error=account_disabled&ref=/);
  await expect(page.getByTestId("sign-in-error")).toContainText("Your account is disabled");
  await screenshot(page, testInfo, "disabled-account-sign-in");

  await bobRow(alice.page).getByRole("button", { name: `Enable ${BOB}` }).click();
  await alice.page.getByRole("dialog", { name: `Enable ${BOB}?` }).getByRole("button", { name: "Enable" }).click();
  await expect(bobRow(alice.page)).toContainText("active");
  await again.close();

  // Each change is on record, by alice, about bob, newest first.
  await alice.page.getByRole("navigation", { name: "Administration" }).getByRole("link", { name: "Audit trail" }).click();
  await expect(alice.page.getByRole("heading", { name: "Audit trail", level: 1 })).toBeVisible();
  await alice.page.goto(`/admin/audit?user=${encodeURIComponent(BOB)}`);
  const events = alice.page.getByTestId("audit-events").getByRole("row");
  for (const action of ["User enabled", "User disabled", "Role changed"]) await expect(events.filter({ hasText: action }).first()).toContainText("alice@example.com");
  expect(aliceViolations).toEqual([]);
});

test("bob, enabled, signs in again; his page in the console lists that session, and revoking it ends it", async ({ browser }) => {
  const testInfo = test.info();
  const bobAgain = await signedIn(browser, BOB, "bob");
  await openBobInConsole(alice.page);
  await bobRow(alice.page).getByRole("link", { name: BOB }).click();
  await expect(alice.page.getByRole("heading", { name: BOB, level: 1 })).toBeVisible();
  const sessions = alice.page.getByRole("table", { name: "Active sessions and API tokens, newest first" });
  await expect(sessions.getByRole("row")).toHaveCount(2);
  await expect(sessions.getByRole("row").nth(1)).toContainText("Browser sign-in");
  await screenshot(alice.page, testInfo, "admin-console-user-details");

  await sessions.getByRole("button", { name: /^Revoke: the browser sign-in created / }).click();
  await alice.page.getByRole("dialog", { name: "Revoke?" }).getByRole("button", { name: "Revoke" }).click();
  await expect(alice.page.getByText("No active session or API token.")).toBeVisible();
  const me = await bobAgain.page.request.get("/api/auth/me");
  expect(await me.json()).toMatchObject({ error: "token_revoked" });
  await bobAgain.context.close();
  expect(aliceViolations).toEqual([]);
});

test.describe("when the identity provider manages roles", () => {
  // The same build with OIDC_ROLE_CLAIM/OIDC_ROLE_MAP (alice is in the provider's vsa-admins).
  let instance: AppInstance;
  test.use({ baseURL: E2E.roleMappingAppUrl });

  test.beforeAll(async () => {
    instance = await startAppInstance(Number(new URL(E2E.roleMappingAppUrl).port), {
      OIDC_ROLE_CLAIM: "groups",
      OIDC_ROLE_MAP: JSON.stringify({ "vsa-admins": "admin", "vsa-managers": "campaign_manager" }),
    });
  });

  test.afterAll(async () => {
    await instance?.stop();
  });

  test("the console says so and refuses role changes, and still disables and enables", async ({ page }) => {
    await signInThroughProvider(page, "alice@example.com", "alice");
    await consent(page);
    await expect(page).toHaveURL(`${instance.url}/profile`);
    await openBobInConsole(page);
    await expect(bobRow(page)).toContainText("managed by the identity provider");
    await expect(bobRow(page).getByRole("button", { name: `Change role of ${BOB}` })).toHaveCount(0);
    await screenshot(page, test.info(), "admin-console-roles-from-idp");

    const [{ id, version }] = (await (await page.request.get(`/api/users?q=${encodeURIComponent(BOB)}`)).json()).users;
    const refused = await page.request.patch(`/api/users/${id}`, { headers: { origin: instance.url }, data: { role: "admin", version } });
    expect(refused.status()).toBe(409);
    expect(await refused.json()).toEqual({ error: "role_managed_by_idp", message: expect.stringContaining('the ID token\'s "groups" claim') });
    const disabled = await page.request.patch(`/api/users/${id}`, { headers: { origin: instance.url }, data: { disabled: true, version } });
    expect(await disabled.json()).toMatchObject({ status: "disabled", version: version + 1 });
    const enabled = await page.request.patch(`/api/users/${id}`, { headers: { origin: instance.url }, data: { disabled: false, version: version + 1 } });
    expect(await enabled.json()).toMatchObject({ status: "active" });
  });
});
