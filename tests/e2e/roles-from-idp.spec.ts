import { expect, test, type Page } from "@playwright/test";
import pg from "pg";
import { startAppInstance, type AppInstance } from "../support/app-instance";
import { E2E } from "../support/e2e-settings";
import { consent, signInThroughProvider } from "../support/sign-in-flow";

// The same build, configured as an operator would to take roles from the IdP's groups; the
// bundled provider puts alice in vsa-admins and bob in vsa-viewers (mapped to nothing).
const ROLE_MAPPING = { OIDC_ROLE_CLAIM: "groups", OIDC_ROLE_MAP: JSON.stringify({ "vsa-admins": "admin", "vsa-managers": "campaign_manager" }) };

let instance: AppInstance;
let db: pg.Client;

test.use({ baseURL: E2E.roleMappingAppUrl });

test.beforeAll(async () => {
  db = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await db.connect();
  instance = await startAppInstance(Number(new URL(E2E.roleMappingAppUrl).port), ROLE_MAPPING);
});

test.afterAll(async () => {
  await instance?.stop();
  // The rest of the suite, and its next run on this database, expects alice and bob as viewers.
  await db?.query(`UPDATE "User" SET "role" = 'viewer' WHERE "email" IN ('alice@example.com', 'bob@example.com')`);
  await db?.end();
});

/** A role set by hand, as an administrator would (no-op for a user who has not signed in yet). */
async function setRole(email: string, role: string) {
  await db.query(`UPDATE "User" SET "role" = $2::"Role" WHERE "email" = $1`, [email, role]);
}

async function roleChanges(email: string) {
  const { rows } = await db.query(
    `SELECT e."actor", e."detail", e."ipAddress", e."userAgent", e."requestId" FROM "AuditEvent" e JOIN "User" u ON u."id" = e."targetUserId"
     WHERE u."email" = $1 AND e."action" = 'role_changed' ORDER BY e."createdAt", e."id"`,
    [email],
  );
  return rows;
}

async function signIn(page: Page, login: string, password: string) {
  await signInThroughProvider(page, login, password);
  await consent(page);
  await expect(page).toHaveURL(`${instance.url}/profile`);
}

test("alice, in the IdP's vsa-admins group, is admin from her sign-in on, and the change is on record", async ({ page }) => {
  await setRole("alice@example.com", "viewer");
  const before = (await roleChanges("alice@example.com")).length;

  await signIn(page, "alice@example.com", "alice");
  await expect(page.getByTestId("profile-role")).toHaveText("admin");
  const me = await page.request.get("/api/auth/me");
  expect(me.status()).toBe(200);
  expect(await me.json()).toMatchObject({ email: "alice@example.com", role: "admin" });

  const events = await roleChanges("alice@example.com");
  expect(events).toHaveLength(before + 1);
  expect(events.at(-1)).toMatchObject({ actor: "system", detail: { from: "viewer", to: "admin", source: "idp_mapping" } });
  // The callback's request: the browser's address, its user agent, the request id.
  expect(events.at(-1).ipAddress).toMatch(/^(127\.0\.0\.1|::1)$/);
  expect(events.at(-1).userAgent).toContain("Chrome");
  expect(events.at(-1).requestId).toBeTruthy();
});

test("bob, whose groups map to nothing, is viewer at every sign-in, whatever was set by hand in between", async ({ page }) => {
  await signIn(page, "bob@example.com", "bob");
  await expect(page.getByTestId("profile-role")).toHaveText("viewer");

  await setRole("bob@example.com", "admin");
  // A new sign-in: the app's session and the IdP's are both gone.
  await page.context().clearCookies();
  await signIn(page, "bob@example.com", "bob");
  await expect(page.getByTestId("profile-role")).toHaveText("viewer");
  expect(await (await page.request.get("/api/auth/me")).json()).toMatchObject({ email: "bob@example.com", role: "viewer" });
  expect((await roleChanges("bob@example.com")).at(-1)).toMatchObject({ actor: "system", detail: { from: "admin", to: "viewer", source: "idp_mapping" } });
});
