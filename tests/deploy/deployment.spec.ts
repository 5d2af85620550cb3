import { spawnSync } from "node:child_process";
import { expect, test, type Page } from "@playwright/test";
import pg from "pg";
import { startAppInstance, type AppInstance } from "../support/app-instance";
import { E2E } from "../support/e2e-settings";
import { DEPLOY, instanceEnv } from "../support/deploy-settings";
import { signInAtProvider, signInFromHome } from "../support/sign-in-at-provider";
import { startDevProviderProcess } from "../support/dev-provider-process";
import { runOrgsCli } from "../support/orgs-cli";
import { startTransmitter } from "../../scripts/dev/ssf-transmitter.mjs";
import { countStatuses, directUrl, getOnFreshConnection, instanceOf, requestsUntil, sendConcurrently } from "../support/http-load";

// Two instances of the production build behind nginx (deploy/nginx-console.conf), one
// PostgreSQL, the bundled IdP (or DEPLOY_OIDC_ISSUER's), and a reports app guarded by forward auth. The tests run in
// order: the last two kill and stop instances and bring them back.
test.describe.configure({ mode: "serial" });

const instances: Partial<Record<"a" | "b", AppInstance>> = {};
/** Every instance started, killed ones included: the last test reads all they printed. */
const everyInstance: AppInstance[] = [];
/** Every cookie and token value this run saw: none may appear in any instance's log. */
const seenSecrets = new Set<string>();

async function startInstance(name: "a" | "b") {
  instances[name] = await startAppInstance(DEPLOY.instancePorts[name], { ...instanceEnv(name), DATABASE_URL: process.env.DATABASE_URL! });
  everyInstance.push(instances[name]);
}

test.beforeAll(async () => {
  test.setTimeout(120_000);
  await Promise.all([startInstance("a"), startInstance("b")]);
});

test.afterAll(async () => {
  await Promise.all(Object.values(instances).map((instance) => instance?.stop()));
});

async function signIn(page: Page) {
  await signInFromHome(page);
  for (const cookie of await page.context().cookies()) if (cookie.value.length >= 20) seenSecrets.add(cookie.value);
}

const cookieHeader = async (page: Page) => (await page.context().cookies(DEPLOY.url)).map((cookie) => `${cookie.name}=${cookie.value}`).join("; ");

async function mintApiToken(page: Page) {
  const minted = await page.request.post("/api/auth/token", { headers: { Origin: DEPLOY.url } });
  expect(minted.status()).toBe(200);
  const tokens = (await minted.json()) as { access_token: string; refresh_token: string };
  seenSecrets.add(tokens.access_token);
  seenSecrets.add(tokens.refresh_token);
  return tokens;
}

test("sign-in through nginx works, and consecutive requests land on both instances", async ({ page }) => {
  await signIn(page);
  await expect(page.getByTestId("profile-email")).toHaveText(DEPLOY.user.email);
  const answeredBy = new Set<string>();
  for (let i = 0; i < 12; i++) {
    const me = await page.request.get("/api/auth/me");
    expect(me.status()).toBe(200);
    answeredBy.add(me.headers()["x-instance"]!);
  }
  expect([...answeredBy].sort()).toEqual(["a", "b"]);
});

test("a token minted through one instance works on the other; logout through one is refused on the other within 2 s", async ({ page }) => {
  await signIn(page);
  const { access_token: accessToken } = await mintApiToken(page);
  const bearer = { authorization: `Bearer ${accessToken}` };
  for (const name of ["a", "b"] as const) expect((await fetch(directUrl(name, "/api/auth/me"), { headers: bearer })).status).toBe(200);

  const loggedOut = await fetch(directUrl("a", "/api/auth/logout"), { method: "POST", headers: bearer });
  expect(loggedOut.status).toBe(200);
  const refusedOnB = await requestsUntil(() => fetch(directUrl("b", "/api/auth/me"), { headers: bearer }), async (response) => response.status === 401 && (await response.json()).error === "token_revoked", 10_000);
  test.info().annotations.push({ type: "logout through a, refused on b after (ms)", description: refusedOnB.elapsedMs.toFixed(0) });

  // Sign out everywhere through b: the browser's cookie is refused on a.
  const cookie = await cookieHeader(page);
  expect((await fetch(directUrl("a", "/api/auth/me"), { headers: { cookie } })).status).toBe(200);
  const everywhere = await fetch(directUrl("b", "/api/auth/logout"), { method: "POST", headers: { cookie, origin: DEPLOY.url, "content-type": "application/json" }, body: JSON.stringify({ everywhere: true }) });
  expect(everywhere.status).toBe(200);
  const refusedOnA = await requestsUntil(() => fetch(directUrl("a", "/api/auth/me"), { headers: { cookie } }), async (response) => response.status === 401 && (await response.json()).error === "token_revoked", 10_000);
  test.info().annotations.push({ type: "sign out everywhere through b, refused on a after (ms)", description: refusedOnA.elapsedMs.toFixed(0) });
});

test("20 concurrent refreshes of one refresh token over both instances: exactly one wins, and the family is revoked everywhere", async ({ page }) => {
  await signIn(page);
  const { refresh_token: refreshToken } = await mintApiToken(page);
  const responses = await sendConcurrently(20, (i) =>
    fetch(directUrl(i % 2 === 0 ? "a" : "b", "/api/auth/refresh"), { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ refresh_token: refreshToken }) }),
  );
  const bodies = await Promise.all(responses.map(async (response) => ({ status: response.status, body: await response.json() })));
  const winners = bodies.filter(({ status }) => status === 200);
  expect(winners).toHaveLength(1);
  for (const loser of bodies.filter(({ status }) => status !== 200)) {
    expect(loser.status).toBe(401);
    expect(["refresh_token_reused", "token_revoked"]).toContain(loser.body.error);
  }
  seenSecrets.add(winners[0]!.body.access_token);
  seenSecrets.add(winners[0]!.body.refresh_token);
  const winnerBearer = { authorization: `Bearer ${winners[0]!.body.access_token}` };
  for (const name of ["a", "b"] as const) {
    await requestsUntil(() => fetch(directUrl(name, "/api/auth/me"), { headers: winnerBearer }), async (response) => response.status === 401, 10_000);
  }
});

test("the reports app behind forward auth: the user's headers when signed in, 401 for an API client, sign-in for a browser, 403 below the role", async ({ page, playwright }) => {
  // A browser without a session is sent to sign in, and comes back to the report.
  await page.goto("/reports/whoami");
  await signInAtProvider(page);
  await expect(page).toHaveURL(`${DEPLOY.url}/reports/whoami`);
  const seen = JSON.parse((await page.locator("body").textContent())!);
  expect(seen).toMatchObject({ "X-Auth-Email": DEPLOY.user.email, "X-Auth-Role": "viewer" });
  expect(seen["X-Auth-User-Id"]).toBeTruthy();

  // A client cannot speak for someone else: its own X-Auth-* headers are overwritten.
  const spoofed = await page.request.get("/reports/whoami", { headers: { "X-Auth-Email": "admin@example.com", "X-Auth-Role": "admin" } });
  expect(await spoofed.json()).toMatchObject({ "X-Auth-Email": DEPLOY.user.email, "X-Auth-Role": "viewer" });

  // A viewer is refused the admins' part.
  expect((await page.request.get("/reports/admin/")).status()).toBe(403);

  // An API client without credentials gets 401 JSON; with an API token it gets in.
  const api = await playwright.request.newContext({ baseURL: DEPLOY.url });
  const anonymous = await api.get("/reports/whoami", { headers: { Accept: "application/json" } });
  expect(anonymous.status()).toBe(401);
  expect(await anonymous.json()).toMatchObject({ error: "missing_token" });
  const { access_token: accessToken } = await mintApiToken(page);
  const withToken = await api.get("/reports/whoami", { headers: { Authorization: `Bearer ${accessToken}` } });
  expect(withToken.status()).toBe(200);
  expect(await withToken.json()).toMatchObject({ "X-Auth-Email": DEPLOY.user.email, Authorization: "" });
  await api.dispose();
});

/** `npm run users -- …` as an operator runs it against the suite's database. */
function usersCli(...args: string[]) {
  const run = spawnSync("npm", ["run", "--silent", "users", "--", ...args], { env: process.env, encoding: "utf8", timeout: 60_000 });
  expect(run.status, `${run.stdout}${run.stderr}`).toBe(0);
}

/** Both instances' forward-auth listeners, asked directly (nginx picks one per request). */
const listenerUrl = (name: "a" | "b", query = "") => `http://127.0.0.1:${DEPLOY.forwardAuthPorts[name]}/api/auth/verify${query}`;

test("forward auth goes to the instances' listeners; a role change and a disabled user reach both within 2 s, through nginx too", async ({ page }) => {
  await signIn(page);
  const cookie = { cookie: await cookieHeader(page) };
  const { access_token: accessToken } = await mintApiToken(page);
  const bearer = { authorization: `Bearer ${accessToken}` };
  for (const name of ["a", "b"] as const) {
    for (const headers of [cookie, bearer]) {
      const allowed = await fetch(listenerUrl(name), { headers });
      expect(allowed.status).toBe(204);
      expect(allowed.headers.get("x-auth-role")).toBe("viewer");
      expect((await fetch(listenerUrl(name, "?role=campaign_manager"), { headers })).status).toBe(403);
    }
  }
  const whoami = async () => (await fetch(`${DEPLOY.url}/reports/whoami`, { headers: { ...bearer, accept: "application/json" } }));
  expect(await (await whoami()).json()).toMatchObject({ "X-Auth-Role": "viewer" });

  try {
    usersCli("set-role", DEPLOY.user.email, "campaign_manager");
    const promotedAt = performance.now();
    for (const name of ["a", "b"] as const) {
      for (const headers of [cookie, bearer]) {
        await requestsUntil(() => fetch(listenerUrl(name, "?role=campaign_manager"), { headers }), async (response) => response.status === 204, 2_000);
      }
    }
    await requestsUntil(whoami, async (response) => (await response.json())["X-Auth-Role"] === "campaign_manager", 2_000);
    test.info().annotations.push({ type: "role change seen by both listeners and through nginx after (ms)", description: (performance.now() - promotedAt).toFixed(0) });

    usersCli("disable", DEPLOY.user.email);
    const disabledAt = performance.now();
    for (const name of ["a", "b"] as const) {
      for (const headers of [cookie, bearer]) {
        await requestsUntil(() => fetch(listenerUrl(name), { headers }), async (response) => response.status === 401 && (await response.json()).error === "token_revoked", 2_000);
      }
    }
    await requestsUntil(whoami, async (response) => response.status === 401, 2_000);
    test.info().annotations.push({ type: "disabled user refused by both listeners and through nginx after (ms)", description: (performance.now() - disabledAt).toFixed(0) });
  } finally {
    usersCli("enable", DEPLOY.user.email);
    usersCli("set-role", DEPLOY.user.email, "viewer");
  }
});

test("a user deprovisioned by their directory (SCIM) through instance a is refused by forward auth on both instances and through nginx within 2 s", async ({ page }) => {
  await signIn(page);
  const cookie = { cookie: await cookieHeader(page) };
  const { access_token: accessToken } = await mintApiToken(page);
  const bearer = { authorization: `Bearer ${accessToken}` };
  const minted = runOrgsCli(["directory-token", "default", "--name", "deployment suite"], { DATABASE_URL: process.env.DATABASE_URL!, NODE_ENV: "production" });
  expect(minted.status, `${minted.stdout}${minted.stderr}`).toBe(0);
  const directoryToken = minted.stdout.trim().split("\n").at(-1)!;
  seenSecrets.add(directoryToken);
  const scim = (path: string, method: string, body: unknown) =>
    fetch(directUrl("a", `/scim/v2${path}`), { method, headers: { authorization: `Bearer ${directoryToken}`, "content-type": "application/scim+json" }, body: JSON.stringify(body) });
  const database = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await database.connect();
  try {
    // The directory takes over the user who signed in first (same email), then deactivates them.
    const provisioned = await scim("/Users", "POST", { schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"], userName: DEPLOY.user.email, emails: [{ value: DEPLOY.user.email, primary: true }], active: true });
    expect(provisioned.status).toBe(201);
    const { id } = (await provisioned.json()) as { id: string };
    for (const name of ["a", "b"] as const) expect((await fetch(listenerUrl(name), { headers: bearer })).status).toBe(204);
    const deactivated = await scim(`/Users/${id}`, "PATCH", { schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], Operations: [{ op: "replace", value: { active: false } }] });
    const deactivatedAt = performance.now();
    expect(deactivated.status).toBe(200);
    for (const name of ["a", "b"] as const) {
      for (const headers of [cookie, bearer]) {
        await requestsUntil(() => fetch(listenerUrl(name), { headers }), async (response) => response.status === 401 && (await response.json()).error === "token_revoked", 2_000);
      }
    }
    await requestsUntil(() => fetch(`${DEPLOY.url}/reports/whoami`, { headers: { ...bearer, accept: "application/json" } }), async (response) => response.status === 401, 2_000);
    test.info().annotations.push({ type: "deprovisioned by SCIM through a, refused by both listeners and through nginx after (ms)", description: (performance.now() - deactivatedAt).toFixed(0) });
  } finally {
    // The other tests sign this user in again: enabled, and no longer the directory's.
    await database.query(`UPDATE "User" SET "disabledAt" = NULL, "scimUserName" = NULL, "scimUserNameLower" = NULL, "scimExternalId" = NULL, "scimAttributes" = NULL, "provisionedAt" = NULL WHERE email = $1 AND "organisationId" = 'operator'`, [DEPLOY.user.email]);
    await database.query(`DELETE FROM "DirectoryToken" WHERE "organisationId" = 'operator' AND name = 'deployment suite'`);
    await database.end();
  }
});

test("a Shared Signals session-revoked pushed to instance a is refused by forward auth on both instances and through nginx within 2 s, and a's metric records it", async ({ page }) => {
  test.setTimeout(120_000);
  const transmitter = await startTransmitter();
  const made = runOrgsCli(["signal-stream", "default", "oidc", "--issuer", transmitter.issuer, "--jwks-uri", transmitter.jwksUri, "--audience", "deployment-suite"], { DATABASE_URL: process.env.DATABASE_URL!, NODE_ENV: "production" });
  expect(made.status, `${made.stdout}${made.stderr}`).toBe(0);
  const streamId = made.stdout.trim().split("/").at(-1)!;
  const scrape = { authorization: `Bearer ${E2E.appEnv.METRICS_TOKEN}` };
  const revocationsOnA = async () => Number(/^vsa_time_to_revoke_seconds_count\{source="shared_signals"\} (\d+)$/m.exec(await (await fetch(directUrl("a", "/api/metrics"), { headers: scrape })).text())?.[1] ?? 0);
  const before = await revocationsOnA();
  const timesMs: number[] = [];
  try {
    for (let run = 0; run < 5; run++) {
      // The IdP's session too: each run signs in afresh, at the provider's login page.
      await page.context().clearCookies();
      await signIn(page);
      const cookie = { cookie: await cookieHeader(page) };
      const bearer = { authorization: `Bearer ${(await mintApiToken(page)).access_token}` };
      for (const name of ["a", "b"] as const) for (const headers of [cookie, bearer]) expect((await fetch(listenerUrl(name), { headers })).status).toBe(204);
      const sentAt = performance.now();
      const pushed = await transmitter.pushSet(directUrl("a", `/api/shared-signals/${streamId}`), { audience: "deployment-suite", event: "session-revoked", subject: { format: "email", email: DEPLOY.user.email } });
      expect(pushed.status, pushed.body).toBe(202);
      for (const name of ["a", "b"] as const) {
        for (const headers of [cookie, bearer]) {
          await requestsUntil(() => fetch(listenerUrl(name), { headers }), async (response) => response.status === 401 && (await response.json()).error === "token_revoked", 2_000);
        }
      }
      await requestsUntil(() => fetch(`${DEPLOY.url}/reports/whoami`, { headers: { ...bearer, accept: "application/json" } }), async (response) => response.status === 401, 2_000);
      timesMs.push(performance.now() - sentAt);
    }
    expect(await revocationsOnA()).toBe(before + 5);
    test.info().annotations.push({ type: "SSF session-revoked pushed to a, refused by both listeners and through nginx after (ms, 5 runs)", description: timesMs.map((ms) => ms.toFixed(0)).join(", ") });
  } finally {
    runOrgsCli(["remove-signal-stream", "default", streamId], { DATABASE_URL: process.env.DATABASE_URL!, NODE_ENV: "production" });
    await transmitter.close();
  }
});

test("a connection added at run time signs its people in through both instances at once; disabled, both refuse it within 2 s", async ({ page }) => {
  test.setTimeout(90_000);
  const slug = `deploy-acme-${Date.now()}`;
  const client = { id: `deploy-acme-${Date.now()}`, secret: "deploy-acme-secret-0123456789" };
  const acmeIdp = await startDevProviderProcess({ port: DEPLOY.oidcPort + 1, accounts: "acme", clientId: client.id, clientSecret: client.secret, appUrls: [DEPLOY.url] });
  const orgs = (args: string[], input?: string) => {
    const run = runOrgsCli(args, { DATABASE_URL: process.env.DATABASE_URL!, CONNECTION_SECRET_KEY: E2E.appEnv.CONNECTION_SECRET_KEY, NODE_ENV: "production" }, input);
    expect(run.status, `${run.stdout}${run.stderr}`).toBe(0);
    return run.stdout;
  };
  try {
    orgs(["create", slug, "Acme (deployment suite)"]);
    orgs(["add-domain", slug, "acme.test"]);
    orgs(["verify-domain", slug, "acme.test", "--mark"]);
    const added = orgs(["add-connection", slug, "--issuer", acmeIdp.issuer, "--client-id", client.id, "--client-secret-file", "-", "--domains", "acme.test"], client.secret);
    const addedAt = performance.now();
    const connectionId = added.trim().split("\n").at(-1)!;
    // Each instance starts its sign-ins at once: no cache of connections to wait for.
    for (const name of ["a", "b"] as const) {
      await requestsUntil(
        () => fetch(directUrl(name, `/api/auth/login?connection=${connectionId}`), { redirect: "manual" }),
        async (response) => response.status === 302 && (response.headers.get("location") ?? "").startsWith(acmeIdp.issuer),
        2_000,
      );
      test.info().annotations.push({ type: `connection added, sign-in started on ${name} after (ms)`, description: (performance.now() - addedAt).toFixed(0) });
    }
    // Through nginx (the callback may land on either instance): the email step, acme's IdP, the profile.
    await page.goto("/signin");
    await page.getByLabel("Work email").fill("sam@acme.test");
    await page.getByRole("button", { name: "Continue" }).click();
    await expect(page).toHaveURL(new RegExp(`^${acmeIdp.issuer}/`));
    await page.locator("input[name=login]").fill("sam@acme.test");
    await page.locator("input[name=password]").fill("sam");
    await page.getByRole("button", { name: "Sign-in" }).click();
    await page.getByRole("button", { name: "Continue" }).click();
    await expect(page).toHaveURL(`${DEPLOY.url}/profile`);
    await expect(page.getByTestId("profile-email")).toHaveText("sam@acme.test");

    orgs(["disable-connection", slug, connectionId]);
    const disabledAt = performance.now();
    for (const name of ["a", "b"] as const) {
      await requestsUntil(
        () => fetch(directUrl(name, `/api/auth/login?connection=${connectionId}`), { redirect: "manual" }),
        async (response) => (response.headers.get("location") ?? "").includes("error=connection_unavailable"),
        2_000,
      );
    }
    test.info().annotations.push({ type: "connection disabled, refused by both instances after (ms)", description: (performance.now() - disabledAt).toFixed(0) });
  } finally {
    await acmeIdp.stop();
    // The other tests sign in from the home page with the operator's IdP alone.
    const database = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await database.connect();
    await database.query(`DELETE FROM "User" WHERE "organisationId" IN (SELECT id FROM "Organisation" WHERE slug = $1)`, [slug]);
    await database.query(`DELETE FROM "Organisation" WHERE slug = $1`, [slug]);
    await database.end();
  }
});

test("the upstream never sees the console's cookies or token, nor a client's own forwarding headers; a 401 there is JSON", async ({ page, playwright }) => {
  await signIn(page);
  await page.context().addCookies([{ name: "theme", value: "dark", url: DEPLOY.url }]);
  const consoleCookies = await page.context().cookies(DEPLOY.url);
  expect(consoleCookies.some((cookie) => cookie.name.includes("authjs."))).toBe(true);
  const seen = await (await page.request.get("/reports/whoami", { headers: { "X-Forwarded-For": "203.0.113.7", "X-Request-Id": "forged-by-the-client" } })).json();
  // Only the upstream's own cookie goes through; the console's session stays with the console.
  expect(seen.Cookie).toBe("theme=dark");
  expect(seen["X-Auth-User-Id"]).toBeTruthy();
  expect(seen["X-Forwarded-For"]).toBe("203.0.113.7, 127.0.0.1");
  expect(seen["X-Request-Id"]).toMatch(/^[0-9a-f]{32}$/);

  // More console cookies than nginx's map chain removes one by one: the upstream gets no cookie at all.
  const many = Array.from({ length: 8 }, (_, index) => `authjs.extra-${index}=x`).join("; ");
  const flooded = await page.request.get("/reports/whoami", { headers: { Cookie: `${await cookieHeader(page)}; ${many}` } });
  expect(flooded.status()).toBe(200);
  expect((await flooded.json()).Cookie).toBe("");

  // A Bearer token is for the console: the upstream gets the identity, not the token.
  const { access_token: accessToken } = await mintApiToken(page);
  const api = await playwright.request.newContext({ baseURL: DEPLOY.url });
  const withToken = await (await api.get("/reports/whoami", { headers: { Authorization: `Bearer ${accessToken}` } })).json();
  expect(withToken.Authorization).toBe("");
  expect(withToken["X-Auth-Email"]).toBe(DEPLOY.user.email);
  // Whatever the path's extension, the refusal is JSON and says so.
  for (const path of ["/reports/whoami", "/reports/page.html"]) {
    const refused = await api.get(path, { headers: { Accept: "application/json" } });
    expect(refused.status()).toBe(401);
    expect(refused.headers()["content-type"]).toMatch(/^application\/json/);
  }
  await api.dispose();
});

test("every API request is one JSON log line with nginx's request id, and the metrics count what happened", async ({ page }) => {
  await signIn(page);
  const me = await page.request.get("/api/auth/me");
  const requestId = me.headers()["x-request-id"]!;
  // nginx's $request_id, trusted because TRUSTED_PROXY_COUNT=1: 32 hex characters.
  expect(requestId).toMatch(/^[0-9a-f]{32}$/);
  const userId = (await me.json()).id as string;
  const loggedLine = () =>
    everyInstance
      .flatMap((instance) => instance.output().split("\n").slice(0, -1)) // the last piece may be a line still arriving
      .filter((text) => text.startsWith("{"))
      .map((text) => JSON.parse(text) as Record<string, unknown>)
      .find((entry) => entry.requestId === requestId);
  // The line is written when the server closes the response, which can be after the client has it,
  // and it then crosses the instance's stdout pipe: wait for it rather than read once.
  await expect.poll(loggedLine).toBeDefined();
  const line = loggedLine();
  expect(line).toMatchObject({ level: "info", event: "request", method: "GET", path: "/api/auth/me", status: 200, userId });
  expect(typeof line!.durationMs).toBe("number");
  const refused = await fetch(`${DEPLOY.url}/api/auth/me`, { headers: { authorization: "Bearer forged.token.value" } });
  expect(refused.status).toBe(401);

  // Metrics are per instance: Prometheus scrapes each; here both are read and added up.
  // Never through nginx; each instance directly, with METRICS_TOKEN.
  expect((await fetch(`${DEPLOY.url}/api/metrics`)).status).toBe(404);
  const scrape = { authorization: `Bearer ${E2E.appEnv.METRICS_TOKEN}` };
  const texts = await Promise.all((["a", "b"] as const).map(async (name) => (await fetch(directUrl(name, "/api/metrics"), { headers: scrape })).text()));
  const total = (series: string) =>
    texts.reduce((sum, text) => sum + Number(text.split("\n").find((row) => row.startsWith(`${series} `))?.split(" ")[1] ?? 0), 0);
  expect(total('vsa_sign_ins_total{outcome="succeeded",code="",reason=""}')).toBeGreaterThanOrEqual(1);
  expect(total('vsa_api_refusals_total{status="401",code="invalid_token"}')).toBeGreaterThanOrEqual(1);
  expect(total('vsa_refresh_total{outcome="rotated"}')).toBe(1);
  expect(total('vsa_refresh_total{outcome="reused"}') + total('vsa_refresh_total{outcome="revoked"}')).toBe(19);
  expect(total('vsa_revocations_total{reason="refresh_token_reused"}')).toBeGreaterThanOrEqual(1);
  expect(total('vsa_idp_request_duration_seconds_count{endpoint="token",outcome="ok"}')).toBeGreaterThanOrEqual(1);
  expect(total('vsa_gate_decision_duration_seconds_count{outcome="allowed"}')).toBeGreaterThanOrEqual(1);
  expect(texts.every((text) => /vsa_db_pool_connections\{state="idle"\} \d/.test(text))).toBe(true);
  // Without METRICS_TOKEN: refused.
  const fromElsewhere = await fetch(directUrl("a", "/api/metrics"), { headers: { "x-forwarded-for": "203.0.113.5" } });
  expect(fromElsewhere.status).toBe(403);
});

test("an instance killed (SIGKILL) under load: nginx fails over, no signed-in request is refused, no session is lost", async ({ page }) => {
  test.setTimeout(120_000);
  await signIn(page);
  const cookie = await cookieHeader(page);
  let killed = false;
  const statuses = await sendConcurrently(400, async (i) => {
    if (i === 120 && !killed) {
      killed = true;
      instances.a!.signal("SIGKILL");
    }
    try {
      const response = await fetch(`${DEPLOY.url}/api/auth/me`, { headers: { cookie } });
      await response.arrayBuffer();
      return { status: response.status, instance: instanceOf(response) };
    } catch {
      // Cut off mid-answer: nginx had passed the killed instance's headers on and cannot retry.
      return { status: "lost", instance: undefined };
    }
  }, 8);
  const counts = countStatuses(statuses.map(({ status }) => status));
  const lost = 400 - (counts[200] ?? 0) - (counts[401] ?? 0);
  test.info().annotations.push({ type: "failover under load: sent, answered 200, refused 401, lost", description: `400, ${counts[200] ?? 0}, ${counts[401] ?? 0}, ${lost} ${JSON.stringify(counts)}` });
  expect(await instances.a!.exited).toMatchObject({ signal: "SIGKILL" });
  // What the restart may cost is the few requests in flight on the killed instance, never a refusal.
  expect(counts[401] ?? 0).toBe(0);
  expect(lost).toBeLessThanOrEqual(8);
  expect(new Set(statuses.slice(-100).map(({ instance }) => instance))).toEqual(new Set(["b"]));
  // The session survives on the instance left, and on the instance brought back.
  await startInstance("a");
  for (const name of ["a", "b"] as const) expect((await fetch(directUrl(name, "/api/auth/me"), { headers: { cookie } })).status).toBe(200);
  // nginx sends to the restarted instance again once its failures have aged (fail_timeout).
  await requestsUntil(() => fetch(`${DEPLOY.url}/api/auth/me`, { headers: { cookie } }), async (response) => instanceOf(response) === "a", 20_000);
});

test("SIGTERM under load: the instance stops accepting, finishes what is in flight within 10 s and exits 0; through nginx nothing is lost", async ({ page }) => {
  test.setTimeout(120_000);
  await signIn(page);
  const cookie = await cookieHeader(page);
  const b = instances.b!;
  let signalledAt = 0;
  const statuses = await sendConcurrently(400, async (i) => {
    if (i === 120 && !signalledAt) {
      signalledAt = performance.now();
      b.signal("SIGTERM");
    }
    try {
      const response = await fetch(`${DEPLOY.url}/api/auth/me`, { headers: { cookie } });
      await response.arrayBuffer();
      return response.status;
    } catch {
      return "lost";
    }
  }, 8);
  const exit = await b.exited;
  const drainMs = performance.now() - signalledAt;
  const counts = countStatuses(statuses);
  test.info().annotations.push({ type: "SIGTERM under load: exit code, ms to exit, answers (sent 400)", description: `${exit.code}, ${drainMs.toFixed(0)}, ${JSON.stringify(counts)}` });
  expect(exit).toEqual({ code: 0, signal: null });
  expect(drainMs).toBeGreaterThan(0);
  expect(b.output()).toMatch(/"event":"shutdown_finished","drained":true,"cutRequests":0/);
  // Requests b had accepted were answered; those it no longer accepted nginx gave to a.
  expect(counts).toEqual({ 200: 400 });
  // Stopped accepting: nothing answers on its port any more.
  expect(await getOnFreshConnection(directUrl("b", "/api/health/live"), {})).toBe("ECONNREFUSED");
  await startInstance("b");
});

test("nothing any instance logged holds a cookie or token value the run saw", async () => {
  const logged = everyInstance.map((instance) => instance.output()).join("\n");
  // The logs were captured: they hold the request lines of this run.
  expect(logged).toContain('"event":"request"');
  expect(seenSecrets.size).toBeGreaterThan(10);
  expect([...seenSecrets].filter((secret) => logged.includes(secret))).toEqual([]);
  // Nor anything shaped like one: a JWT or JWE, a refresh token, a session cookie.
  expect(logged).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\./);
  expect(logged).not.toMatch(/vsa_rt_[A-Za-z0-9_-]{20,}/);
  expect(logged).not.toMatch(/session-token=[^;\s"]{20,}/);
});
