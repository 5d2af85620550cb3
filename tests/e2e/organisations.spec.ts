import { randomUUID } from "node:crypto";
import { expect, test, type Page } from "@playwright/test";
import { queryDatabase as query } from "../support/database-query";
import { startDevProviderProcess } from "../support/dev-provider-process";
import { E2E } from "../support/e2e-settings";
import { runOrgsCli } from "../support/orgs-cli";
import { consent, logInAtDevelopmentProvider } from "../support/sign-in-flow";

// A second organisation, set up at run time against the running app (no restart): its own
// identity provider process (the bundled provider holding acme.test's people), its domain,
// and a connection added with `npm run orgs` as an operator would.
const SLUG = `e2e-acme-${randomUUID().slice(0, 8)}`;
const CLIENT = { id: `acme-console-${randomUUID().slice(0, 8)}`, secret: `acme-secret-${randomUUID()}` };
const cliEnv = { DATABASE_URL: process.env.DATABASE_URL!, CONNECTION_SECRET_KEY: E2E.appEnv.CONNECTION_SECRET_KEY, NODE_ENV: "production" };

let acmeIdp: Awaited<ReturnType<typeof startDevProviderProcess>>;
let connectionId: string;


/** How many sign-ins (browser token families) the acme IdP's `subject` has had here. */
async function signInsOf(subject: string): Promise<number> {
  const [row] = await query<{ count: string }>(
    `SELECT count(*) FROM "TokenFamily" f JOIN "Account" a ON a."userId" = f."userId" WHERE a.provider = $1 AND a."providerAccountId" = $2 AND f.kind = 'browser'`,
    [connectionId, subject],
  );
  return Number(row!.count);
}

/** Earlier runs' acme organisations (acme.test can be verified by one organisation only). */
async function removeEarlierRuns() {
  await query(`DELETE FROM "User" WHERE "organisationId" IN (SELECT id FROM "Organisation" WHERE slug LIKE 'e2e-acme-%')`);
  await query(`DELETE FROM "Organisation" WHERE slug LIKE 'e2e-acme-%'`);
}

function orgs(args: string[], input?: string) {
  const result = runOrgsCli(args, cliEnv, input);
  expect(result.status, `npm run orgs -- ${args.join(" ")}\n${result.stdout}\n${result.stderr}`).toBe(0);
  return result.stdout;
}

async function startAtAcme(page: Page) {
  await page.goto(`/api/auth/login?connection=${connectionId}&callbackUrl=/profile`);
  await expect(page).toHaveURL(new RegExp(`^${acmeIdp.issuer}/`));
}

/**
 * Consents at the development provider the page is on, but keeps the provider's answer (the
 * redirect to the app's callback, with code, state and iss) from reaching the app: a
 * redirect cannot be intercepted in the browser, so the consent's own request is.
 */
async function answerWithoutDelivering(page: Page, issuer: string): Promise<URL> {
  let answer: URL | undefined;
  await page.route(`${issuer}/interaction/*/confirm`, async (route) => {
    const confirmed = await route.fetch({ maxRedirects: 0 });
    const resumed = await page.request.get(new URL(confirmed.headers()["location"]!, issuer).href, { maxRedirects: 0 });
    answer = new URL(resumed.headers()["location"]!);
    await route.fulfill({ status: 200, contentType: "text/html", body: "<p>The answer was kept from the app.</p>" });
  });
  await consent(page);
  await expect.poll(() => answer?.pathname).toBe("/api/auth/callback/oidc");
  await page.unroute(`${issuer}/interaction/*/confirm`);
  return answer!;
}

test.describe("organisations: a connection added at run time", () => {
  test.beforeAll(async () => {
    await removeEarlierRuns();
    acmeIdp = await startDevProviderProcess({ port: E2E.acmeOidcPort, accounts: "acme", clientId: CLIENT.id, clientSecret: CLIENT.secret, appUrls: [E2E.appUrl] });
    orgs(["create", SLUG, "Acme Ltd (e2e)"]);
    orgs(["add-domain", SLUG, "acme.test"]);
    orgs(["verify-domain", SLUG, "acme.test", "--mark"]);
    const added = orgs(
      ["add-connection", SLUG, "--issuer", acmeIdp.issuer, "--client-id", CLIENT.id, "--client-secret-file", "-", "--domains", "acme.test", "--name", "Acme SSO", "--role-claim", "groups", "--role-map", '{"acme-admins":"admin"}'],
      `${CLIENT.secret}\n`,
    );
    connectionId = added.trim().split("\n").at(-1)!;
    expect(connectionId).toMatch(/^[0-9a-f-]{36}$/);
  });

  test.afterAll(async () => {
    await acmeIdp?.stop();
    await removeEarlierRuns();
  });

  test("its person signs in through its own IdP, joins its organisation, and gets the role its own mapping gives", async ({ page }) => {
    await startAtAcme(page);
    await logInAtDevelopmentProvider(page, "pat@acme.test", "pat");
    await consent(page);
    await expect(page).toHaveURL(`${E2E.appUrl}/profile`);
    await expect(page.getByTestId("profile-email")).toHaveText("pat@acme.test");
    await expect(page.getByTestId("profile-role")).toHaveText("admin");
    const [user] = await query<{ organisationId: string; slug: string; provider: string }>(
      `SELECT u."organisationId", o.slug, a.provider FROM "User" u JOIN "Organisation" o ON o.id = u."organisationId" JOIN "Account" a ON a."userId" = u.id WHERE a."providerAccountId" = 'acme-pat' AND a.provider = $1`,
      [connectionId],
    );
    expect(user).toMatchObject({ slug: SLUG, provider: connectionId });
    const [family] = await query<{ connectionId: string }>(`SELECT f."connectionId" FROM "TokenFamily" f JOIN "Account" a ON a."userId" = f."userId" WHERE a.provider = $1 AND a."providerAccountId" = 'acme-pat' ORDER BY f."createdAt" DESC LIMIT 1`, [connectionId]);
    expect(family?.connectionId).toBe(connectionId);
    // The connection's health, for its organisation's page and `npm run orgs -- list`.
    await expect.poll(async () => (await query<{ lastSignInAt: Date | null }>(`SELECT "lastSignInAt" FROM "Connection" WHERE id = $1`, [connectionId]))[0]?.lastSignInAt).toBeTruthy();
    expect(orgs(["list"])).not.toMatch(new RegExp(`${connectionId}: [^\\t]*last sign-in never`));
  });

  test("signing out sends the browser to its own IdP's logout; its IdP's back-channel logout ends only its sessions", async ({ page, browser }) => {
    await startAtAcme(page);
    await logInAtDevelopmentProvider(page, "pat@acme.test", "pat");
    await consent(page);
    await expect(page).toHaveURL(`${E2E.appUrl}/profile`);
    await page.getByRole("button", { name: "Sign out", exact: true }).click();
    await expect(page.getByRole("heading", { name: "Sign out" })).toBeVisible();
    expect(new URL(page.url()).origin).toBe(acmeIdp.issuer);
    await page.getByRole("button", { name: "Yes, sign me out" }).click();
    await expect(page).toHaveURL(`${E2E.appUrl}/`);

    // Sam at acme, and alice of the environment's IdP, in another browser.
    await startAtAcme(page);
    await logInAtDevelopmentProvider(page, "sam@acme.test", "sam");
    await consent(page);
    await expect(page).toHaveURL(`${E2E.appUrl}/profile`);
    const other = await browser.newContext();
    const alice = await other.newPage();
    await alice.goto(`${E2E.appUrl}/api/auth/login?callbackUrl=/profile`);
    await logInAtDevelopmentProvider(alice, "alice@example.com", "alice");
    await consent(alice);
    await expect(alice).toHaveURL(`${E2E.appUrl}/profile`);

    // Sam signs out at acme's IdP directly: its logout token (acme's iss and aud) ends Sam's session here, and no one else's.
    await page.goto(`${acmeIdp.issuer}/session/end`);
    await page.getByRole("button", { name: "Yes, sign me out" }).click();
    await expect(page.getByRole("heading", { name: "Signed out" })).toBeVisible();
    const me = await page.request.get(`${E2E.appUrl}/api/auth/me`);
    expect(me.status()).toBe(401);
    expect(await me.json()).toMatchObject({ error: "token_revoked" });
    expect((await alice.request.get(`${E2E.appUrl}/api/auth/me`)).status()).toBe(200);
    await other.close();
  });

  test("its IdP asserting an email of another domain is refused with domain_not_allowed, and no user is created", async ({ page }) => {
    await startAtAcme(page);
    await logInAtDevelopmentProvider(page, "mallory@acme.test", "mallory");
    await consent(page);
    await expect(page).toHaveURL(/\/signin\/error\?error=domain_not_allowed&ref=/);
    await expect(page.getByTestId("sign-in-error")).toContainText("may not sign in this email address");
    expect(await query(`SELECT 1 FROM "Account" WHERE provider = $1 AND "providerAccountId" = 'acme-mallory'`, [connectionId])).toEqual([]);
    await expect.poll(async () => (await query<{ lastRefusalCode: string | null }>(`SELECT "lastRefusalCode" FROM "Connection" WHERE id = $1`, [connectionId]))[0]?.lastRefusalCode).toBe("domain_not_allowed");
    expect((await page.request.get("/api/auth/me")).status()).toBe(401);
  });

  test("an answer for its sign-in that names another issuer (IdP mix-up) is refused", async ({ page }) => {
    await startAtAcme(page);
    await logInAtDevelopmentProvider(page, "sam@acme.test", "sam");
    // Stopped before the app, to change the answer the way a mix-up attacker would.
    const answer = await answerWithoutDelivering(page, acmeIdp.issuer);
    // The provider says who answered (RFC 9207): this one, which the connection expects.
    expect(answer.searchParams.get("iss")).toBe(acmeIdp.issuer);
    answer.searchParams.set("iss", E2E.issuer);
    const signInsBefore = await signInsOf("acme-sam");
    await page.goto(answer.href);
    await expect(page).toHaveURL(/\/signin\/error\?error=invalid_callback&reason=issuer&ref=/);
    expect(await signInsOf("acme-sam")).toBe(signInsBefore);
  });

  test("a sign-in started for one connection cannot be completed by another sign-in's answer", async ({ page }) => {
    // The environment's IdP is reached first; then an acme sign-in starts in the same browser.
    await page.goto("/api/auth/login?callbackUrl=/profile");
    await logInAtDevelopmentProvider(page, "bob@example.com", "bob");
    const firstAnswer = await answerWithoutDelivering(page, E2E.issuer);
    await startAtAcme(page);
    // The first sign-in's answer now meets the acme sign-in's binding: another state, refused.
    await page.goto(firstAnswer.href);
    await expect(page).toHaveURL(/\/signin\/error\?error=state_mismatch&reason=state&ref=/);
  });

  test("the sign-in page asks for the work email and sends each person to their own organisation's IdP, with login_hint", async ({ page }) => {
    await page.goto("/");
    await page.getByRole("link", { name: "Sign in" }).click();
    await expect(page).toHaveURL(/\/signin\?callbackUrl=%2Fprofile/);
    await page.getByLabel("Work email").fill("Pat@Acme.test");
    await page.getByRole("button", { name: "Continue" }).click();
    await expect(page).toHaveURL(new RegExp(`^${acmeIdp.issuer}/`));
    await logInAtDevelopmentProvider(page, "pat@acme.test", "pat");
    await consent(page);
    await expect(page).toHaveURL(`${E2E.appUrl}/profile`);
    await expect(page.getByTestId("profile-email")).toHaveText("pat@acme.test");

    // This browser remembers the organisation (its slug, not the email): the page offers it first.
    await page.context().clearCookies({ name: E2E.sessionCookieName });
    await page.goto("/signin");
    await expect(page.getByTestId("sign-in-choices")).toContainText("Last time you signed in with Acme Ltd (e2e)");
    const cookies = await page.context().cookies();
    expect(cookies.find((cookie) => cookie.name === "vsa.last-organisation")).toMatchObject({ value: SLUG, httpOnly: true });
    expect(JSON.stringify(cookies)).not.toContain("pat@acme.test");
    // Pat's session at acme's IdP is still open: the IdP signs her straight back in.
    await page.getByRole("link", { name: "Acme SSO" }).click();
    await expect(page).toHaveURL(`${E2E.appUrl}/profile`);
    await expect(page.getByTestId("profile-email")).toHaveText("pat@acme.test");
    await page.context().clearCookies();

    // Someone of the operator organisation (no domain of another organisation) goes to the environment's IdP.
    await page.goto("/signin");
    await page.getByLabel("Work email").fill("alice@example.com");
    await page.getByRole("button", { name: "Continue" }).click();
    await expect(page).toHaveURL(new RegExp(`^${E2E.issuer}/`));
    await logInAtDevelopmentProvider(page, "alice@example.com", "alice");
    await consent(page);
    await expect(page).toHaveURL(`${E2E.appUrl}/profile`);
    await expect(page.getByTestId("profile-email")).toHaveText("alice@example.com");
  });

  test("?org=SLUG offers that organisation's sign-in; the login_hint reaches the IdP", async ({ page }) => {
    await page.goto(`/signin?org=${SLUG}`);
    await expect(page.getByTestId("sign-in-choices")).toContainText("Sign in with Acme Ltd (e2e)");
    const discover = await page.request.post("/api/auth/discover", { form: { email: "sam@acme.test", callbackUrl: "/profile" }, maxRedirects: 0 });
    expect(discover.status()).toBe(200);
    const refresh = /<meta http-equiv="refresh" content="0;url=([^"]+)">/.exec(await discover.text());
    const login = new URL(refresh![1]!.replaceAll("&#38;", "&"), E2E.appUrl);
    expect(login.pathname).toBe("/api/auth/login");
    expect(login.searchParams.get("connection")).toBe(connectionId);
    const authorize = await page.request.get(login.href, { maxRedirects: 0 });
    expect(new URL(authorize.headers()["location"]!).searchParams.get("login_hint")).toBe("sam@acme.test");
    // Its headers (Auth.js's three sealed check cookies, the connection's binding, a long Location)
    // are about 4 KiB, past nginx's default buffer: deploy/nginx-console.conf gives 16 KiB, and
    // this keeps them well inside half of that.
    const headerBytes = authorize.headersArray().reduce((sum, { name, value }) => sum + name.length + value.length + 4, 0);
    expect(headerBytes).toBeLessThan(8192);
  });

  test("once the operator organisation proves its own domains, an email of an unknown domain gets a clear page and goes nowhere", async ({ page }) => {
    orgs(["add-domain", "default", "example.com"]);
    try {
      orgs(["verify-domain", "default", "example.com", "--mark"]);
      await page.goto("/signin");
      await page.getByLabel("Work email").fill("someone@unknown-company.test");
      await page.getByRole("button", { name: "Continue" }).click();
      await expect(page).toHaveURL(/\/signin\?unknown_domain=1/);
      await expect(page.getByTestId("sign-in-unknown-domain")).toContainText("No organisation signs in people with that email's domain");
      // The same answer whoever the address is: it depends on the domain, not on who has signed in.
      for (const email of ["alice@unknown-company.test", "nobody@unknown-company.test"]) {
        const answer = await page.request.post("/api/auth/discover", { form: { email }, maxRedirects: 0 });
        expect(answer.headers()["location"]).toBe(`${E2E.appUrl}/signin?unknown_domain=1&callbackUrl=%2Fprofile`);
      }
      await page.getByLabel("Work email").fill("bob@example.com");
      await page.getByRole("button", { name: "Continue" }).click();
      await expect(page).toHaveURL(new RegExp(`^${E2E.issuer}/`));
    } finally {
      await query(`DELETE FROM "OrganisationDomain" WHERE "organisationId" = 'operator' AND domain = 'example.com'`);
    }
  });

  test("a sign-in started at the IdP (/api/auth/initiate) runs the normal flow with the connection of that issuer", async ({ page }) => {
    const target = `${E2E.appUrl}/profile`;
    await page.goto(`/api/auth/initiate?${new URLSearchParams({ iss: acmeIdp.issuer, login_hint: "sam@acme.test", target_link_uri: target })}`);
    await expect(page).toHaveURL(new RegExp(`^${acmeIdp.issuer}/`));
    await logInAtDevelopmentProvider(page, "sam@acme.test", "sam");
    await consent(page);
    await expect(page).toHaveURL(target);
    await expect(page.getByTestId("profile-email")).toHaveText("sam@acme.test");

    // An issuer that is no connection here, and a target on another site, go nowhere else.
    await page.goto(`/api/auth/initiate?iss=${encodeURIComponent("https://idp.unknown.test")}`);
    await expect(page).toHaveURL(/\/signin\/error\?error=connection_unavailable&reason=unknown&ref=/);
    const offsite = await page.request.get(`/api/auth/initiate?${new URLSearchParams({ iss: acmeIdp.issuer, target_link_uri: "https://evil.example/steal" })}`, { maxRedirects: 0 });
    expect(new URL(offsite.headers()["location"]!).searchParams.get("callbackUrl")).toBe("/profile");
  });

  test("its admin sees its organisation alone, and every page and route of another organisation answers as for an id that does not exist", async ({ page }) => {
    await startAtAcme(page);
    await logInAtDevelopmentProvider(page, "pat@acme.test", "pat");
    await consent(page);
    await expect(page.getByTestId("profile-role")).toHaveText("admin");
    await page.goto("/admin/organisations");
    await expect(page.getByTestId("organisation")).toHaveCount(1);
    await expect(page.getByTestId("organisation")).toHaveAttribute("data-slug", SLUG);
    await expect(page.getByTestId("connection")).toContainText("Acme SSO");
    // The operator organisation's people, by their real ids (guessed or leaked): as unknown.
    const [alice] = await query<{ id: string; familyId: string }>(
      `SELECT u.id, f.id AS "familyId" FROM "User" u JOIN "TokenFamily" f ON f."userId" = u.id WHERE u."organisationId" = 'operator' AND u.email = 'alice@example.com' LIMIT 1`,
    );
    expect(alice).toBeTruthy();
    const unknown = await page.request.get("/api/users/no-such-user");
    expect(unknown.status()).toBe(404);
    for (const answer of [
      await page.request.get(`/api/users/${alice!.id}`),
      await page.request.patch(`/api/users/${alice!.id}`, { data: { role: "viewer", version: 1 }, headers: { Origin: E2E.appUrl } }),
      await page.request.post(`/api/users/${alice!.id}/revoke-sessions`, { data: { familyId: alice!.familyId }, headers: { Origin: E2E.appUrl } }),
    ]) {
      expect(answer.status()).toBe(404);
      expect(await answer.json()).toEqual(await unknown.json());
    }
    expect((await page.request.get("/api/organisations/default")).status()).toBe(404);
    const users = (await (await page.request.get("/api/users?limit=200")).json()) as { users: { organisation: string }[] };
    expect(users.users.length).toBeGreaterThan(0);
    expect(users.users.every((user) => user.organisation === SLUG)).toBe(true);
    const shown = await page.goto(`/admin/users/${alice!.id}`);
    expect(shown?.status()).toBe(404);
    const audit = await page.request.get("/api/audit?limit=100");
    expect(audit.status()).toBe(200);
    const { events } = (await audit.json()) as { events: { targetUserId: string | null }[] };
    expect(events.length).toBeGreaterThan(0);
    expect(events.some((event) => event.targetUserId === alice!.id)).toBe(false);
  });

  test("disabled from the CLI, it refuses its sign-ins at once (no restart); enabled, it signs in again", async ({ page }) => {
    orgs(["disable-connection", SLUG, connectionId]);
    await page.goto(`/api/auth/login?connection=${connectionId}&callbackUrl=/profile`);
    await expect(page).toHaveURL(/\/signin\/error\?error=connection_unavailable&reason=disabled&ref=/);
    // An id that exists nowhere is refused alike: the page does not tell which ids exist.
    await page.goto(`/api/auth/login?connection=${randomUUID()}`);
    await expect(page).toHaveURL(/\/signin\/error\?error=connection_unavailable&reason=unknown&ref=/);
    orgs(["enable-connection", SLUG, connectionId]);
    await startAtAcme(page);
  });

  test("disabled with --end-sessions, the sessions made through it end", async ({ page }) => {
    await startAtAcme(page);
    await logInAtDevelopmentProvider(page, "sam@acme.test", "sam");
    await consent(page);
    await expect(page).toHaveURL(`${E2E.appUrl}/profile`);
    expect((await page.request.get("/api/auth/me")).status()).toBe(200);
    expect(orgs(["disable-connection", SLUG, connectionId, "--end-sessions"])).toMatch(/sign-ins through it ended/);
    // Revocations are seen by every instance within the family-state cache (≤ 5 s).
    await expect.poll(async () => (await page.request.get("/api/auth/me")).status(), { timeout: 10_000 }).toBe(401);
    orgs(["enable-connection", SLUG, connectionId]);
  });
});
