import { randomUUID } from "node:crypto";
import { expect, test } from "@playwright/test";
import { queryDatabase as query } from "../support/database-query";
import { startDevProviderProcess } from "../support/dev-provider-process";
import { E2E } from "../support/e2e-settings";
import { runOrgsCli } from "../support/orgs-cli";
import { consent, logInAtDevelopmentProvider } from "../support/sign-in-flow";

// An organisation whose directory provisions its people by SCIM, against the running app: its
// own IdP (the bundled provider holding globex.test's people), a connection, and a directory
// token made with `npm run orgs`, as an operator would; the directory's calls are plain HTTP.
const SLUG = `e2e-scim-${randomUUID().slice(0, 8)}`;
const CLIENT = { id: `scim-console-${randomUUID().slice(0, 8)}`, secret: `scim-secret-${randomUUID()}` };
const cliEnv = { DATABASE_URL: process.env.DATABASE_URL!, CONNECTION_SECRET_KEY: E2E.appEnv.CONNECTION_SECRET_KEY, AUTH_URL: E2E.appUrl, NODE_ENV: "production" };

let idp: Awaited<ReturnType<typeof startDevProviderProcess>>;
let connectionId: string;
let directoryToken: string;

function orgs(args: string[], input?: string) {
  const result = runOrgsCli(args, cliEnv, input);
  expect(result.status, `npm run orgs -- ${args.join(" ")}\n${result.stdout}\n${result.stderr}`).toBe(0);
  return result.stdout.trim().split("\n").at(-1)!;
}

async function removeEarlierRuns() {
  await query(`DELETE FROM "User" WHERE "organisationId" IN (SELECT id FROM "Organisation" WHERE slug LIKE 'e2e-scim-%')`);
  await query(`DELETE FROM "Organisation" WHERE slug LIKE 'e2e-scim-%'`);
}

/** The directory's call: SCIM over HTTP with its bearer token. */
async function directory(path: string, init: { method?: string; body?: unknown; token?: string } = {}) {
  const response = await fetch(`${E2E.appUrl}/scim/v2${path}`, {
    method: init.method ?? "GET",
    headers: { authorization: `Bearer ${init.token ?? directoryToken}`, "content-type": "application/scim+json" },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  return { status: response.status, type: response.headers.get("content-type"), body: (await response.json().catch(() => null)) as Record<string, unknown> | null };
}

test.describe("SCIM: the organisation's directory provisions and deprovisions its people", () => {
  test.beforeAll(async () => {
    await removeEarlierRuns();
    idp = await startDevProviderProcess({ port: E2E.globexOidcPort + 1, accounts: "globex", clientId: CLIENT.id, clientSecret: CLIENT.secret, appUrls: [E2E.appUrl] });
    orgs(["create", SLUG, "Globex by SCIM (e2e)"]);
    orgs(["add-domain", SLUG, "globex.test"]);
    orgs(["verify-domain", SLUG, "globex.test", "--mark"]);
    connectionId = orgs(["add-connection", SLUG, "--issuer", idp.issuer, "--client-id", CLIENT.id, "--client-secret-file", "-", "--domains", "globex.test"], `${CLIENT.secret}\n`);
    directoryToken = orgs(["directory-token", SLUG, "--name", "e2e directory"]);
    expect(directoryToken).toMatch(/^vsa_scim_[A-Za-z0-9_-]{43}$/);
  });

  test.afterAll(async () => {
    await idp?.stop();
    await removeEarlierRuns();
  });

  test("a provisioned person signs in as that user; deactivated by the directory, their open page's next navigation and their API token are refused", async ({ page }) => {
    // What Okta does: the connection test, the lookup, the create.
    expect((await directory("/Users?startIndex=1&count=2")).status).toBe(200);
    expect((await directory(`/Users?filter=${encodeURIComponent('userName eq "gus@globex.test"')}`)).body).toMatchObject({ totalResults: 0 });
    const created = await directory("/Users", { method: "POST", body: { schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"], userName: "gus@globex.test", externalId: "00u-gus", name: { givenName: "Gus", familyName: "Globex" }, emails: [{ value: "gus@globex.test", type: "work", primary: true }], active: true } });
    expect(created.status).toBe(201);
    expect(created.type).toBe("application/scim+json");
    const userId = created.body!.id as string;

    // Gus signs in through the organisation's connection: he is the provisioned user, not a second one.
    await page.goto(`/api/auth/login?connection=${connectionId}&callbackUrl=/profile`);
    await logInAtDevelopmentProvider(page, "gus@globex.test", "gus");
    await consent(page);
    await expect(page).toHaveURL(`${E2E.appUrl}/profile`);
    expect(await (await page.request.get("/api/auth/me")).json()).toMatchObject({ id: userId, email: "gus@globex.test" });
    const minted = await page.request.post("/api/auth/token", { headers: { origin: E2E.appUrl } });
    expect(minted.status()).toBe(200);
    const { access_token: accessToken } = (await minted.json()) as { access_token: string };
    const bearer = { authorization: `Bearer ${accessToken}` };
    expect((await fetch(`${E2E.appUrl}/api/auth/me`, { headers: bearer })).status).toBe(200);

    // The directory token is no API credential, and the API token no directory credential.
    const asApi = await fetch(`${E2E.appUrl}/api/auth/me`, { headers: { authorization: `Bearer ${directoryToken}` } });
    expect(asApi.status).toBe(401);
    expect((await directory("/Users", { token: accessToken })).status).toBe(401);

    // Okta's deactivation: a replace without a path.
    const deactivated = await directory(`/Users/${userId}`, { method: "PATCH", body: { schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], Operations: [{ op: "replace", value: { active: false } }] } });
    expect(deactivated).toMatchObject({ status: 200, body: { active: false } });
    await expect.poll(async () => ((await (await fetch(`${E2E.appUrl}/api/auth/me`, { headers: bearer })).json()) as { error?: string }).error, { timeout: 5_000 }).toBe("token_revoked");
    await page.goto("/profile");
    await expect(page).toHaveURL(/\/signin\?error=account_disabled/);
    await expect(page.getByTestId("sign-in-error")).toContainText("Your account is disabled");

    const [user] = await query<{ disabledAt: Date | null; accounts: string }>(`SELECT u."disabledAt", (SELECT count(*) FROM "Account" a WHERE a."userId" = u.id)::text AS accounts FROM "User" u WHERE u.id = $1`, [userId]);
    expect(user!.disabledAt).not.toBeNull();
    expect(user!.accounts).toBe("1");
    const events = await query<{ action: string }>(`SELECT action FROM "AuditEvent" WHERE "targetUserId" = $1 AND actor LIKE 'directory:%' ORDER BY "createdAt"`, [userId]);
    expect(events.map((event) => event.action)).toEqual(expect.arrayContaining(["scim_user_created", "scim_user_deprovisioned"]));
  });
});
