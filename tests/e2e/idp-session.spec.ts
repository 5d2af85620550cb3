import { expect, test } from "@playwright/test";
import { createDb } from "../../lib/db";
import { E2E } from "../support/e2e-settings";
import { consent, signInThroughProvider } from "../support/sign-in-flow";

const db = createDb(process.env.DATABASE_URL!, 2);
test.afterAll(() => db.$disconnect());

async function signInAndFindSignIn(page: import("@playwright/test").Page) {
  await signInThroughProvider(page, "alice@example.com", "alice");
  await consent(page);
  await expect(page).toHaveURL(`${E2E.appUrl}/profile`);
  const me = await (await page.request.get("/api/auth/me")).json();
  return db.tokenFamily.findFirstOrThrow({ where: { userId: me.id, kind: "browser", revokedAt: null }, orderBy: { createdAt: "desc" } });
}

test("when the IdP's access token expires, the session renews it with the IdP and keeps the rotated refresh token", async ({ page }) => {
  const family = await signInAndFindSignIn(page);
  expect(family.idpRefreshToken).toBeTruthy();
  // Make the IdP access token expired, as an hour of use would.
  await db.tokenFamily.update({ where: { id: family.id }, data: { idpAccessTokenExpiresAt: new Date(Date.now() - 1000) } });

  // Within the app's short state cache, the next request renews.
  await expect
    .poll(async () => {
      expect((await page.request.get("/api/auth/me")).status()).toBe(200);
      return (await db.tokenFamily.findUniqueOrThrow({ where: { id: family.id } })).idpRefreshToken;
    }, { timeout: 10_000 })
    .not.toBe(family.idpRefreshToken);
  const renewed = await db.tokenFamily.findUniqueOrThrow({ where: { id: family.id } });
  expect(renewed.idpAccessTokenExpiresAt!.getTime()).toBeGreaterThan(Date.now());
  expect(renewed.revokedAt).toBeNull();
});

test("when the IdP refuses to renew, the session ends and the page says why", async ({ page }) => {
  const family = await signInAndFindSignIn(page);
  await db.tokenFamily.update({
    where: { id: family.id },
    data: { idpRefreshToken: "revoked-at-the-idp", idpAccessTokenExpiresAt: new Date(Date.now() - 1000) },
  });
  await expect.poll(async () => (await (await page.request.get("/api/auth/me")).json()).error, { timeout: 10_000 }).toBe("token_revoked");
  expect((await db.tokenFamily.findUniqueOrThrow({ where: { id: family.id } })).revokedReason).toBe("idp_refresh_failed");
  await page.goto("/profile");
  await expect(page.getByTestId("sign-in-error")).toContainText("no longer accepts this sign-in");
});

test("a user the IdP no longer accepts loses the API tokens of that sign-in, even when only the tokens are used", async ({ page, playwright }) => {
  const family = await signInAndFindSignIn(page);
  const minted = await page.request.post("/api/auth/token", { headers: { Origin: E2E.appUrl } });
  expect(minted.status()).toBe(200);
  const { access_token: accessToken } = await minted.json();
  const api = await playwright.request.newContext({ baseURL: E2E.appUrl });
  const me = () => api.get("/api/auth/me", { headers: { Authorization: `Bearer ${accessToken}` } });
  expect((await me()).status()).toBe(200);

  // The IdP revokes the sign-in (no back-channel logout): its refresh token no longer works.
  await db.tokenFamily.update({
    where: { id: family.id },
    data: { idpRefreshToken: "revoked-at-the-idp", idpAccessTokenExpiresAt: new Date(Date.now() - 1000) },
  });
  // The browser is never used again; the API token's own check asks the IdP through its parent.
  await expect.poll(async () => (await (await me()).json()).error, { timeout: 10_000 }).toBe("token_revoked");
  const apiFamily = await db.tokenFamily.findFirstOrThrow({ where: { parentId: family.id } });
  expect(apiFamily.revokedReason).toBe("idp_refresh_failed");
  expect((await db.tokenFamily.findUniqueOrThrow({ where: { id: family.id } })).revokedReason).toBe("idp_refresh_failed");
  await api.dispose();
});
