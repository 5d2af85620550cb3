import { expect, request, test } from "@playwright/test";
import pg from "pg";
import { startAppInstance, type AppInstance } from "../support/app-instance";
import { E2E } from "../support/e2e-settings";
import { consent, signInThroughProvider } from "../support/sign-in-flow";

// The same build, registered at the bundled provider as a client it never gives a refresh
// token (as Entra ID and Okta without offline_access): the IdP can never be asked about the
// sign-in again, so an API token made from it must not outlive it.
let instance: AppInstance;
let db: pg.Client;

test.use({ baseURL: E2E.noRefreshAppUrl });

test.beforeAll(async () => {
  db = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await db.connect();
  instance = await startAppInstance(Number(new URL(E2E.noRefreshAppUrl).port), { OIDC_CLIENT_ID: E2E.noRefreshClientId });
});

test.afterAll(async () => {
  await instance?.stop();
  await db?.end();
});

test("an API token from a sign-in without an IdP refresh token ends with that sign-in (12 h), not 90 days later", async ({ page }) => {
  await signInThroughProvider(page, "bob@example.com", "bob");
  await consent(page);
  await expect(page).toHaveURL(`${E2E.noRefreshAppUrl}/profile`);

  const minted = await page.request.post("/api/auth/token", { headers: { Origin: E2E.noRefreshAppUrl } });
  expect(minted.status()).toBe(200);
  const tokens = (await minted.json()) as { access_token: string; refresh_token: string; refresh_expires_in: number };
  expect(tokens.refresh_expires_in).toBeLessThanOrEqual(12 * 3600);
  expect(tokens.refresh_expires_in).toBeGreaterThan(12 * 3600 - 120);

  // The sign-in behind it really has no IdP refresh token, and the token family ends with it.
  const { rows } = await db.query(
    `SELECT p."idpRefreshToken", p."expiresAt" AS "parentEnd", f."expiresAt" AS "familyEnd", f."id"
       FROM "TokenFamily" f JOIN "TokenFamily" p ON p."id" = f."parentId"
      WHERE f."kind" = 'api' ORDER BY f."createdAt" DESC LIMIT 1`,
  );
  expect(rows[0].idpRefreshToken).toBeNull();
  expect(new Date(rows[0].familyEnd).getTime()).toBe(new Date(rows[0].parentEnd).getTime());

  // Once the sign-in is over, so is the token: refused at refresh and at use.
  const api = await request.newContext({ baseURL: E2E.noRefreshAppUrl });
  expect((await api.get("/api/auth/me", { headers: { Authorization: `Bearer ${tokens.access_token}` } })).status()).toBe(200);
  // Only the sign-in's end passes: the token family is held to it.
  await db.query(`UPDATE "TokenFamily" SET "expiresAt" = now() - interval '1 second' WHERE "id" = (SELECT "parentId" FROM "TokenFamily" WHERE "id" = $1)`, [rows[0].id]);
  // Within the family-state cache's 1.5 s, then refused.
  await expect.poll(async () => (await api.get("/api/auth/me", { headers: { Authorization: `Bearer ${tokens.access_token}` } })).status()).toBe(401);
  const refreshed = await api.post("/api/auth/refresh", { data: { refresh_token: tokens.refresh_token } });
  expect(refreshed.status()).toBe(401);
  expect(await refreshed.json()).toMatchObject({ error: "invalid_refresh_token" });
  await api.dispose();
});
