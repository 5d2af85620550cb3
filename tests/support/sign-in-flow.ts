import { expect, type Page } from "@playwright/test";

/** On the development provider's login page: logs in, and stops at its consent page. */
export async function logInAtDevelopmentProvider(page: Page, login: string, password: string) {
  await expect(page.getByRole("heading", { name: "Sign-in" })).toBeVisible();
  await page.locator("input[name=login]").fill(login);
  await page.locator("input[name=password]").fill(password);
  await page.getByRole("button", { name: "Sign-in" }).click();
  await expect(page.getByRole("heading", { name: "Authorize" })).toBeVisible();
}

/** Signs in through the app's button (and its email step, when organisations have connections of their own) and the development provider's own login and consent pages. */
export async function signInThroughProvider(page: Page, login: string, password: string) {
  await page.goto("/");
  await page.getByRole("link", { name: "Sign in" }).click();
  await typeEmailIfAsked(page, login);
  await logInAtDevelopmentProvider(page, login, password);
}

/** On the sign-in page's email step, if that is where the browser is: types the email and continues. */
export async function typeEmailIfAsked(page: Page, email: string) {
  await page.waitForLoadState();
  if (new URL(page.url()).pathname !== "/signin") return;
  await page.getByLabel("Work email").fill(email);
  await page.getByRole("button", { name: "Continue" }).click();
  await page.waitForURL((url) => url.pathname !== "/signin" && url.pathname !== "/api/auth/discover");
}

export async function consent(page: Page) {
  await page.getByRole("button", { name: "Continue" }).click();
}
