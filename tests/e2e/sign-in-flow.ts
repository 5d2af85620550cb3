import { expect, type Page } from "@playwright/test";

/** Signs in through the app's button and the development provider's own login and consent pages. */
export async function signInThroughProvider(page: Page, login: string, password: string) {
  await page.goto("/");
  await page.getByRole("link", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Sign-in" })).toBeVisible();
  await page.locator("input[name=login]").fill(login);
  await page.locator("input[name=password]").fill(password);
  await page.getByRole("button", { name: "Sign-in" }).click();
  await expect(page.getByRole("heading", { name: "Authorize" })).toBeVisible();
}

export async function consent(page: Page) {
  await page.getByRole("button", { name: "Continue" }).click();
}
