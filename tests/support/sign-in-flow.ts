import { expect, type Page } from "@playwright/test";

/** On the development provider's login page: logs in, and stops at its consent page. */
export async function logInAtDevelopmentProvider(page: Page, login: string, password: string) {
  await expect(page.getByRole("heading", { name: "Sign-in" })).toBeVisible();
  await page.locator("input[name=login]").fill(login);
  await page.locator("input[name=password]").fill(password);
  await page.getByRole("button", { name: "Sign-in" }).click();
  await expect(page.getByRole("heading", { name: "Authorize" })).toBeVisible();
}

/** Signs in through the app's button and the development provider's own login and consent pages. */
export async function signInThroughProvider(page: Page, login: string, password: string) {
  await page.goto("/");
  await page.getByRole("link", { name: "Sign in" }).click();
  await logInAtDevelopmentProvider(page, login, password);
}

export async function consent(page: Page) {
  await page.getByRole("button", { name: "Continue" }).click();
}
