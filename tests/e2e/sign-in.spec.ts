import { expect, test } from "@playwright/test";
import { E2E } from "../support/e2e-settings";
import { consent, logInAtDevelopmentProvider, signInThroughProvider } from "../support/sign-in-flow";

test("a user signs in at the provider and sees their profile and role", async ({ page }) => {
  await signInThroughProvider(page, "bob@example.com", "bob");
  await consent(page);
  await expect(page).toHaveURL(`${E2E.appUrl}/profile`);
  await expect(page.getByTestId("profile-email")).toHaveText("bob@example.com");
  await expect(page.getByTestId("profile-name")).toHaveText("Bob Example");
  await expect(page.getByTestId("profile-role")).toHaveText("viewer");
  await expect(page.getByTestId("profile-last-login")).not.toHaveText("never");

  const session = (await page.context().cookies()).find((c) => c.name === E2E.sessionCookieName);
  expect(session?.httpOnly).toBe(true);
  expect(session?.sameSite).toBe("Lax");

  const me = await page.request.get("/api/auth/me");
  expect(me.status()).toBe(200);
  const body = await me.json();
  expect(body).toMatchObject({ email: "bob@example.com", name: "Bob Example", role: "viewer" });
  expect(typeof body.id).toBe("string");
  expect(body.lastLoginAt).not.toBeNull();
});

test("signing out ends the session for the API and the pages", async ({ page }) => {
  await signInThroughProvider(page, "alice@example.com", "alice");
  await consent(page);
  await expect(page).toHaveURL(`${E2E.appUrl}/profile`);
  expect((await page.request.get("/api/auth/me")).status()).toBe(200);

  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await page.getByRole("button", { name: "Yes, sign me out" }).click();
  await expect(page).toHaveURL(`${E2E.appUrl}/`);
  await expect(page.getByRole("link", { name: "Sign in" })).toBeVisible();

  const me = await page.request.get("/api/auth/me");
  expect(me.status()).toBe(401);
  expect(await me.json()).toMatchObject({ error: "missing_token" });
  expect(me.headers()["www-authenticate"]).toContain("Bearer");
});

test("the profile page sends a signed-out visitor to sign in", async ({ page }) => {
  await page.goto("/profile");
  await expect(page).toHaveURL(`${E2E.appUrl}/signin?callbackUrl=/profile`);
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
});

test("a tampered session cookie is refused with invalid_token", async ({ page, context }) => {
  await signInThroughProvider(page, "alice@example.com", "alice");
  await consent(page);
  await expect(page).toHaveURL(`${E2E.appUrl}/profile`);
  const cookie = (await context.cookies()).find((c) => c.name === E2E.sessionCookieName);
  expect(cookie).toBeDefined();
  const value = cookie!.value;
  // Flip one character in the middle of the ciphertext.
  const at = Math.floor(value.length / 2);
  const tampered = value.slice(0, at) + (value[at] === "A" ? "B" : "A") + value.slice(at + 1);
  await context.addCookies([{ ...cookie!, value: tampered }]);

  const me = await page.request.get("/api/auth/me");
  expect(me.status()).toBe(401);
  expect(await me.json()).toMatchObject({ error: "invalid_token" });
});

test("cancelling at the provider explains that access was denied", async ({ page }) => {
  await signInThroughProvider(page, "bob@example.com", "bob");
  await page.getByRole("button", { name: "Cancel" }).click();
  await expect(page.getByTestId("sign-in-error")).toContainText("Access denied");
});

test("another subject with an existing user's email is refused, not merged", async ({ page }) => {
  await signInThroughProvider(page, "alice@example.com", "alice");
  await consent(page);
  await expect(page).toHaveURL(`${E2E.appUrl}/profile`);
  await page.context().clearCookies();

  await signInThroughProvider(page, "twin@example.com", "twin");
  await consent(page);
  await expect(page).toHaveURL(/\/signin\/error\?error=account_conflict&ref=/);
  await expect(page.getByTestId("sign-in-error")).toContainText("already belongs to another account");
  expect((await page.request.get("/api/auth/me")).status()).toBe(401);
});

test("the login endpoint ignores a callbackUrl on another origin", async ({ request }) => {
  const response = await request.get("/api/auth/login?callbackUrl=https://evil.example/steal", { maxRedirects: 0 });
  expect(response.status()).toBe(302);
  const location = new URL(response.headers()["location"]!);
  expect(location.origin).toBe(E2E.issuer);
  expect(location.searchParams.get("code_challenge_method")).toBe("S256");
  for (const param of ["code_challenge", "state", "nonce"]) expect(location.searchParams.get(param)).toBeTruthy();
  const callbackCookie = response.headersArray().find((h) => h.name.toLowerCase() === "set-cookie" && h.value.startsWith("authjs.callback-url="));
  expect(decodeURIComponent(callbackCookie!.value)).toContain(`${E2E.appUrl}/profile`);
});

test("signing in as someone else in the same browser replaces the earlier session instead of linking accounts", async ({ page, context }) => {
  await signInThroughProvider(page, "alice@example.com", "alice");
  await consent(page);
  await expect(page).toHaveURL(`${E2E.appUrl}/profile`);
  // Sign in again, as Bob, without signing out first (the IdP's own session is dropped too).
  await context.clearCookies({ domain: "127.0.0.1" });
  await page.goto("/api/auth/login?callbackUrl=/profile");
  await logInAtDevelopmentProvider(page, "bob@example.com", "bob");
  await consent(page);
  await expect(page).toHaveURL(`${E2E.appUrl}/profile`);
  await expect(page.getByTestId("profile-email")).toHaveText("bob@example.com");
});

test("a sign-in started from another site signs nobody out, and when it completes it replaces the session without linking accounts", async ({ page, context }) => {
  await signInThroughProvider(page, "alice@example.com", "alice");
  await consent(page);
  await expect(page).toHaveURL(`${E2E.appUrl}/profile`);
  // As a link or an image on another site would start it: the browser says so (Fetch Metadata).
  const crossSite = await page.request.get("/api/auth/login?callbackUrl=/profile", { headers: { "sec-fetch-site": "cross-site" }, maxRedirects: 0 });
  expect(crossSite.status()).toBe(302);
  const cleared = crossSite.headersArray().filter((h) => h.name.toLowerCase() === "set-cookie" && h.value.startsWith(`${E2E.sessionCookieName}=;`));
  expect(cleared).toEqual([]);
  const me = await page.request.get("/api/auth/me");
  expect(me.status()).toBe(200);
  expect(await me.json()).toMatchObject({ email: "alice@example.com" });

  // Bob finishes that sign-in in this browser, alice's session cookie still there.
  await context.clearCookies({ domain: "127.0.0.1" });
  await page.goto(crossSite.headers()["location"]!);
  await logInAtDevelopmentProvider(page, "bob@example.com", "bob");
  await consent(page);
  await expect(page).toHaveURL(`${E2E.appUrl}/profile`);
  await expect(page.getByTestId("profile-email")).toHaveText("bob@example.com");
  expect(await (await page.request.get("/api/auth/me")).json()).toMatchObject({ email: "bob@example.com" });
});
