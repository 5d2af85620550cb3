import { expect, type Page } from "@playwright/test";
import { consent, logInAtDevelopmentProvider, typeEmailIfAsked } from "./sign-in-flow";
import { DEPLOY } from "./deploy-settings";

const LOGIN_FIELD = "input[name=login], input[name=username], input[name=loginfmt], input[name=identifier], input[type=email], input[type=text]";
const CONSENT_BUTTON = /^(continue|accept|allow|yes|authorize|consent|grant)/i;

/**
 * Signs DEPLOY.user in on the provider's page the browser is on, and consents, until the
 * browser is back at the app. The bundled provider's form is known; another provider's is
 * filled generically: a login field, a password field (on the same page or the next one,
 * as Okta and Entra ID show them), Enter, and a consent button if one is asked for.
 */
export async function signInAtProvider(page: Page): Promise<void> {
  const { login, password } = DEPLOY.user;
  if (DEPLOY.bundledProvider) {
    await logInAtDevelopmentProvider(page, login, password);
    await consent(page);
    return;
  }
  const passwordField = page.locator("input[type=password]").first();
  await page.locator(LOGIN_FIELD).first().fill(login);
  if (!(await passwordField.isVisible())) await page.keyboard.press("Enter");
  await passwordField.fill(password);
  await passwordField.press("Enter");
  const backAtApp = (url: URL) => url.origin === new URL(DEPLOY.url).origin;
  const consentButton = page.getByRole("button", { name: CONSENT_BUTTON }).first();
  await expect(async () => {
    if (!backAtApp(new URL(page.url())) && (await consentButton.isVisible())) await consentButton.click();
    expect(backAtApp(new URL(page.url()))).toBe(true);
  }).toPass({ timeout: 20_000 });
}

/** Signs DEPLOY.user in from the app's home page, through nginx, to the profile page. */
export async function signInFromHome(page: Page): Promise<void> {
  await page.goto("/");
  await page.getByRole("link", { name: "Sign in" }).click();
  await typeEmailIfAsked(page, DEPLOY.user.email);
  await signInAtProvider(page);
  await expect(page).toHaveURL(`${DEPLOY.url}/profile`);
}
