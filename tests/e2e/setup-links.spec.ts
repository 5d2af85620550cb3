import { randomUUID } from "node:crypto";
import { expect, test, type Page } from "@playwright/test";
import { queryDatabase as query } from "../support/database-query";
import { startAppInstance, type AppInstance } from "../support/app-instance";
import { startDevProviderProcess } from "../support/dev-provider-process";
import { E2E } from "../support/e2e-settings";
import { runOrgsCli } from "../support/orgs-cli";
import { consent, logInAtDevelopmentProvider } from "../support/sign-in-flow";
import { startTestDnsServer } from "../support/test-dns-server";

// A third organisation set up entirely at run time, as a customer would: the operator creates
// it and a setup link; its IT admin (Gale, who has no account) registers the console at their
// own IdP (the bundled provider holding globex.test's people), saves its settings, proves the
// domain in DNS (the suite's DNS server, which the app asks), tests the sign-in, sees the claims
// and the role, activates it; then a colleague signs in through it on a second instance.
const SLUG = `e2e-globex-${randomUUID().slice(0, 8)}`;
const CLIENT = { id: `globex-console-${randomUUID().slice(0, 8)}`, secret: `globex-secret-${randomUUID()}` };
const cliEnv = { DATABASE_URL: process.env.DATABASE_URL!, CONNECTION_SECRET_KEY: E2E.appEnv.CONNECTION_SECRET_KEY, AUTH_URL: E2E.appUrl, NODE_ENV: "production" };
const secondPort = E2E.appPort + 6;

let idp: Awaited<ReturnType<typeof startDevProviderProcess>>;
let dns: Awaited<ReturnType<typeof startTestDnsServer>>;
let second: AppInstance;


/** Earlier runs' globex organisations (globex.test can be verified by one organisation only). */
async function removeEarlierRuns() {
  await query(`DELETE FROM "User" WHERE "organisationId" IN (SELECT id FROM "Organisation" WHERE slug LIKE 'e2e-globex-%')`);
  await query(`DELETE FROM "Organisation" WHERE slug LIKE 'e2e-globex-%'`);
}

function orgs(args: string[]) {
  const result = runOrgsCli(args, cliEnv);
  expect(result.status, `npm run orgs -- ${args.join(" ")}\n${result.stdout}\n${result.stderr}`).toBe(0);
  return result.stdout.trim().split("\n").at(-1)!;
}

async function connectionOf(slug: string) {
  const [row] = await query<{ id: string; enabled: boolean }>(`SELECT c.id, c.enabled FROM "Connection" c JOIN "Organisation" o ON o.id = c."organisationId" WHERE o.slug = $1`, [slug]);
  return row;
}

async function usersOf(slug: string) {
  return query<{ email: string; role: string }>(`SELECT u.email, u.role FROM "User" u JOIN "Organisation" o ON o.id = u."organisationId" WHERE o.slug = $1 ORDER BY u.email`, [slug]);
}

/**
 * Through the IdP the browser was just sent to, logging in and consenting only if it asks
 * (it remembers both for a while), and back to `appUrl`'s pages.
 */
async function throughIdp(page: Page, appUrl: string, login: string, password: string) {
  await page.waitForURL((url) => url.origin === idp.issuer || (url.origin === appUrl && !url.pathname.startsWith("/api/")));
  if (new URL(page.url()).origin === idp.issuer) {
    if (await page.getByRole("heading", { name: "Sign-in" }).isVisible()) await logInAtDevelopmentProvider(page, login, password);
    await consent(page);
  }
  await page.waitForURL((url) => url.origin === appUrl && !url.pathname.startsWith("/api/"));
}

/** From the organisation's sign-in button, through its IdP, signed in to this console. */
async function signInWith(page: Page, appUrl: string, login: string, password: string) {
  await page.getByRole("link", { name: "Globex Corp (e2e) sign-in" }).click();
  await throughIdp(page, appUrl, login, password);
  expect(new URL(page.url()).pathname).not.toMatch(/^\/signin/);
}

async function saveSettings(page: Page, overrides: Record<string, string> = {}) {
  const form = page.getByTestId("setup-connection-form");
  const values = { Issuer: idp.issuer, "Client id": CLIENT.id, "Client secret": CLIENT.secret, "Your work email's domain": "globex.test", "Role claim": "groups", "Role map (JSON)": '{"globex-it":"admin"}', ...overrides };
  for (const [label, value] of Object.entries(values)) await form.getByLabel(label, { exact: false }).fill(value);
  await form.getByRole("button", { name: "Save and check" }).click();
}

test.describe("setup links: an organisation's IT admin sets up its sign-in", () => {
  test.beforeAll(async () => {
    await removeEarlierRuns();
    dns = await startTestDnsServer(E2E.dnsPort);
    idp = await startDevProviderProcess({ port: E2E.globexOidcPort, accounts: "globex", clientId: CLIENT.id, clientSecret: CLIENT.secret, appUrls: [E2E.appUrl, `http://localhost:${secondPort}`] });
    second = await startAppInstance(secondPort, { DATABASE_URL: process.env.DATABASE_URL! });
    orgs(["create", SLUG, "Globex Corp (e2e)"]);
  });

  test.afterAll(async () => {
    await second?.stop();
    await idp?.stop();
    await dns?.close();
    await removeEarlierRuns();
  });

  test("from the link to the first admin, with a test sign-in that creates no one; a colleague then signs in on another instance", async ({ browser }) => {
    test.setTimeout(120_000);
    const url = orgs(["setup-link", SLUG]);
    expect(url).toMatch(new RegExp(`^${E2E.appUrl}/setup#[A-Za-z0-9_-]{43}$`));
    // Only the token's hash is stored: the database holds no usable link.
    const [stored] = await query<{ tokenHash: string }>(`SELECT l."tokenHash" FROM "SetupLink" l JOIN "Organisation" o ON o.id = l."organisationId" WHERE o.slug = $1`, [SLUG]);
    expect(url).not.toContain(stored!.tokenHash);

    const gale = await (await browser.newContext()).newPage();
    await gale.goto(url);
    await expect(gale.getByRole("heading", { name: "Set up Globex Corp (e2e)'s sign-in" })).toBeVisible();
    // The token left the address bar once the page had handed it over.
    expect(gale.url()).toBe(`${E2E.appUrl}/setup`);
    await expect(gale.getByTestId("setup-registration")).toContainText(`${E2E.appUrl}/api/auth/callback/oidc`);
    await expect(gale.getByTestId("setup-registration")).toContainText(`${E2E.appUrl}/api/auth/backchannel-logout`);

    // A wrong issuer is refused by the live discovery check, and nothing is saved.
    await saveSettings(gale, { Issuer: "http://127.0.0.1:9/nothing-here" });
    await expect(gale.getByTestId("setup-error")).toHaveAttribute("data-code", "discovery_failed");
    expect(await connectionOf(SLUG)).toBeUndefined();

    // A wrong client secret passes discovery but not the test sign-in: refused there, with the reason.
    await saveSettings(gale, { "Client secret": "not-the-secret" });
    await expect(gale.getByTestId("setup-notice")).toBeVisible();
    await gale.getByTestId("setup-test-sign-in").click();
    await logInAtDevelopmentProvider(gale, "gale@globex.test", "gale");
    await consent(gale);
    await expect(gale).toHaveURL(`${E2E.appUrl}/setup`);
    await expect(gale.getByTestId("setup-test-refused")).toBeVisible();
    await expect(gale.getByTestId("setup-blockers").locator("[data-code=test_refused]")).toBeVisible();

    // Saved again, the same connection is changed in place (its secret sealed again).
    const first = await connectionOf(SLUG);
    await saveSettings(gale);
    await expect(gale.getByTestId("setup-notice")).toBeVisible();
    const saved = await connectionOf(SLUG);
    expect(saved?.id).toBe(first?.id);
    expect(saved).toMatchObject({ enabled: false });
    // Until activation nobody signs in through it.
    const early = await (await browser.newContext()).newPage();
    await early.goto(`/api/auth/login?connection=${saved!.id}`);
    await expect(early).toHaveURL(/\/signin\/error\?error=connection_unavailable/);

    // The test sign-in: the full sign-in at Gale's IdP, back to the page with the claims and the role.
    await gale.getByTestId("setup-test-sign-in").click();
    await throughIdp(gale, E2E.appUrl, "gale@globex.test", "gale");
    await expect(gale).toHaveURL(`${E2E.appUrl}/setup`);
    await expect(gale.getByTestId("setup-test-subject")).toHaveText("globex-gale");
    await expect(gale.getByTestId("setup-test-email")).toHaveText("gale@globex.test");
    await expect(gale.getByTestId("setup-test-role")).toHaveText("admin");
    await expect(gale.getByTestId("setup-test-claims")).toContainText('"globex-it"');
    // It made no user, no account and no session.
    expect(await usersOf(SLUG)).toEqual([]);
    expect((await gale.context().cookies()).some((cookie) => cookie.name === E2E.sessionCookieName)).toBe(false);
    // The domain is not proven yet: activation is refused, with the reason.
    await expect(gale.getByTestId("setup-blockers").locator("[data-code=domain_unverified]")).toBeVisible();
    await expect(gale.getByRole("button", { name: "Activate" })).toBeDisabled();
    const refused = await gale.request.post(`${E2E.appUrl}/api/setup/activate`, { headers: { origin: E2E.appUrl }, maxRedirects: 0 });
    expect(refused.headers()["location"]).toContain("error=domain_unverified");
    expect((await connectionOf(SLUG))?.enabled).toBe(false);
    // Nor from another site (the page's forms are the only way in).
    const forged = await gale.request.post(`${E2E.appUrl}/api/setup/activate`, { headers: { origin: "http://evil.test" }, maxRedirects: 0 });
    expect(forged.headers()["location"]).toContain("error=cross_site");

    await gale.getByRole("button", { name: "Check DNS" }).click();
    await expect(gale.getByTestId("setup-error")).toHaveAttribute("data-code", "record_missing");
    const record = (await gale.getByTestId("setup-domains").locator("code").textContent())!;
    const [, name, token] = /^(\S+) TXT "(.+)"$/.exec(record)!;
    dns.records.set(name!, [[token!]]);
    await gale.getByRole("button", { name: "Check DNS" }).click();
    await expect(gale.getByTestId("setup-notice")).toContainText("verified");
    await expect(gale.getByTestId("setup-blockers")).toHaveCount(0);

    await gale.getByRole("button", { name: "Activate" }).click();
    await expect(gale).toHaveURL(new RegExp(`/signin\\?org=${SLUG}&setup=done`));
    await expect(gale.getByTestId("setup-done")).toBeVisible();
    expect(await usersOf(SLUG)).toEqual([{ email: "gale@globex.test", role: "admin" }]);
    expect((await connectionOf(SLUG))?.enabled).toBe(true);

    // The link is used up: opened again, it says so and offers nothing.
    const again = await (await browser.newContext()).newPage();
    await again.goto(url);
    await expect(again.getByTestId("setup-link-problem")).toContainText("used already");
    await expect(again.getByTestId("setup")).toHaveCount(0);

    // Gale signs in as the first admin, on this instance.
    await signInWith(gale, E2E.appUrl, "gale@globex.test", "gale");
    await expect.poll(async () => (await gale.request.get(`${E2E.appUrl}/api/auth/me`)).json()).toMatchObject({ email: "gale@globex.test", role: "admin" });

    // Gus, a colleague, on the second instance, which was running before the connection existed.
    const gus = await (await browser.newContext()).newPage();
    await gus.goto(`${second.url}/signin?org=${SLUG}`);
    await signInWith(gus, second.url, "gus@globex.test", "gus");
    await expect.poll(async () => (await gus.request.get(`${second.url}/api/auth/me`)).json()).toMatchObject({ email: "gus@globex.test", role: "viewer" });

    // Gale administers the organisation from the console: its page only, this instance's IdP caches, a setup link, the switch.
    await gale.goto("/admin/organisations");
    await expect(gale.getByTestId("organisation")).toHaveCount(1);
    await expect(gale.getByTestId("organisation")).toHaveAttribute("data-slug", SLUG);
    await expect(gale.getByTestId("connection-caches")).toContainText(/discovery \d{4}-\d\d-\d\d \d\d:\d\d UTC; keys \d{4}-\d\d-\d\d \d\d:\d\d UTC \(1 key\)/);
    await expect(gale.getByRole("form", { name: "New organisation" })).toHaveCount(0);
    await gale.getByRole("button", { name: "Create a setup link for Globex Corp (e2e)" }).click();
    await gale.getByRole("dialog").getByRole("button", { name: "Create" }).click();
    await expect(gale.getByRole("textbox", { name: "Setup link", exact: true })).toHaveValue(new RegExp(`^${E2E.appUrl}/setup#[A-Za-z0-9_-]{43}$`));
    await gale.getByRole("button", { name: "Disable Globex Corp (e2e) sign-in" }).click();
    await gale.getByRole("dialog").getByRole("button", { name: "Disable" }).click();
    await expect(gale.getByRole("button", { name: "Enable Globex Corp (e2e) sign-in" })).toBeVisible();
    // Refused at once on the other instance; sessions already made stay (she did not end them).
    const late = await (await browser.newContext()).newPage();
    await late.goto(`${second.url}/api/auth/login?connection=${saved!.id}`);
    await expect(late).toHaveURL(/\/signin\/error\?error=connection_unavailable/);
    expect((await gus.request.get(`${second.url}/api/auth/me`)).status()).toBe(200);
    await gale.getByRole("button", { name: "Enable Globex Corp (e2e) sign-in" }).click();
    await gale.getByRole("dialog").getByRole("button", { name: "Enable" }).click();
    await expect(gale.getByRole("button", { name: "Disable Globex Corp (e2e) sign-in" })).toBeVisible();
    expect((await connectionOf(SLUG))?.enabled).toBe(true);

    // And connects the organisation's directory: a token made in the console opens its SCIM service, until revoked.
    await gale.getByRole("button", { name: "Create a directory token for Globex Corp (e2e)" }).click();
    await gale.getByRole("dialog").getByRole("button", { name: "Create" }).click();
    const directoryToken = await gale.getByRole("textbox", { name: "Directory token", exact: true }).inputValue();
    expect(directoryToken).toMatch(/^vsa_scim_[A-Za-z0-9_-]{43}$/);
    const scimUsers = () => fetch(`${E2E.appUrl}/scim/v2/Users?count=1`, { headers: { authorization: `Bearer ${directoryToken}` } });
    expect((await scimUsers()).status).toBe(200);
    await gale.getByRole("button", { name: "Revoke the directory token SCIM provisioning" }).click();
    await gale.getByRole("dialog").getByRole("button", { name: "Revoke" }).click();
    await expect(gale.getByRole("button", { name: "Revoke the directory token SCIM provisioning" })).toHaveCount(0);
    expect((await scimUsers()).status).toBe(401);

    // Every step is on the audit trail, the link's holder as the actor.
    const actions = await query<{ action: string }>(`SELECT e.action FROM "AuditEvent" e JOIN "Organisation" o ON o.id = e."organisationId" WHERE o.slug = $1 AND e.actor LIKE 'setup-link:%' ORDER BY e."createdAt"`, [SLUG]);
    expect(actions.map((row) => row.action)).toEqual(
      expect.arrayContaining(["domain_added", "connection_added", "setup_test_sign_in", "domain_check_failed", "domain_verified", "role_changed", "connection_enabled", "setup_completed"]),
    );
  });
});
