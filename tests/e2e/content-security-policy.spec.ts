import { expect, test } from "@playwright/test";
import { E2E } from "../support/e2e-settings";
import { watchPolicyViolations } from "../support/policy-violations";
import { consent, signInThroughProvider } from "../support/sign-in-flow";

test("every page and step of the console runs in Chromium without breaking its policies", async ({ page }) => {
  const violations = await watchPolicyViolations(page);

  for (const path of ["/", "/signin", "/signin/error?error=idp_unreachable"]) {
    expect((await page.goto(path))?.status(), path).toBe(200);
    await expect(page.getByRole("link", { name: "Sign in" })).toBeVisible();
  }
  expect((await page.goto("/no-such-page"))?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
  await signInThroughProvider(page, "alice@example.com", "alice");
  await consent(page);
  await expect(page).toHaveURL(`${E2E.appUrl}/profile`);

  // Client components at work (they only run if their nonce'd scripts ran): a token, then copying it.
  await page.getByRole("button", { name: "Create API token" }).click();
  await expect(page.getByTestId("api-access-token")).not.toBeEmpty();
  await page.getByRole("button", { name: "Copy" }).first().click();
  await expect(page.getByRole("button", { name: "Copied" })).toBeVisible();
  // What the Permissions-Policy header left the page: the clipboard, and no camera.
  expect(
    await page.evaluate(() => {
      const policy = (document as unknown as { featurePolicy: { allowsFeature(feature: string): boolean } }).featurePolicy;
      return { clipboardWrite: policy.allowsFeature("clipboard-write"), camera: policy.allowsFeature("camera"), microphone: policy.allowsFeature("microphone") };
    }),
  ).toEqual({ clipboardWrite: true, camera: false, microphone: false });

  // Client-side navigation (the router's own fetches), then sign-out through the IdP.
  await page.getByRole("link", { name: "VoiceSurveyAgent" }).click();
  await expect(page.getByText("Signed in as")).toBeVisible();
  await page.getByRole("link", { name: "Your profile" }).click();
  await expect(page.getByTestId("profile-email")).toHaveText("alice@example.com");
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await page.getByRole("button", { name: "Yes, sign me out" }).click();
  await expect(page).toHaveURL(`${E2E.appUrl}/`);
  await expect(page.getByRole("link", { name: "Sign in" })).toBeVisible();

  expect(violations).toEqual([]);
});

test("the watcher catches a script the page did not vouch for (which Chromium does not run) and a broken Permissions-Policy", async ({ page, request }) => {
  const violations = await watchPolicyViolations(page);
  // A nonce from another response, as an attacker who saw an earlier page would have it.
  const staleNonce = /'nonce-([^']+)'/.exec((await request.get("/signin")).headers()["content-security-policy"]!)![1];
  // An injection into the HTML (stored XSS): the real response with two more scripts, and a
  // feature Chromium does not know added to its Permissions-Policy.
  await page.route(`${E2E.appUrl}/signin`, async (route) => {
    const response = await route.fetch();
    const injected = `<script>window.injectedRan = true</script><script nonce="${staleNonce}">window.staleNonceRan = true</script>`;
    const headers = { ...response.headers(), "permissions-policy": `${response.headers()["permissions-policy"]}, no-such-feature=()` };
    await route.fulfill({ response, headers, body: (await response.text()).replace("</body>", `${injected}</body>`) });
  });
  await page.goto("/signin");
  const events = () => violations.filter((violation) => violation.how === "event").map((violation) => violation.report);
  await expect.poll(events).toHaveLength(2);
  expect(events()).toEqual(["script-src-elem blocked inline", "script-src-elem blocked inline"]);
  // Chromium's console reports arrive on their own channel, in their own time.
  const consoleReports = () => violations.filter((violation) => violation.how === "console").map((violation) => violation.report);
  await expect.poll(consoleReports).toHaveLength(3);
  expect(consoleReports().filter((report) => report.startsWith("Executing inline script violates"))).toHaveLength(2);
  expect(consoleReports()).toContainEqual(expect.stringContaining("Unrecognized feature: 'no-such-feature'"));
  const ran = await page.evaluate(() => {
    const flags = window as unknown as Record<string, unknown>;
    return [typeof flags.injectedRan, typeof flags.staleNonceRan];
  });
  expect(ran).toEqual(["undefined", "undefined"]);
});
