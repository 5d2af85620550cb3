import http from "node:http";
import { expect, test } from "@playwright/test";
import { E2E } from "../support/e2e-settings";
import { consent, signInThroughProvider } from "../support/sign-in-flow";

type Reply = { status: number; headers: http.IncomingHttpHeaders; json: () => unknown };

/**
 * A request from another loopback source address (Linux accepts any 127/8 source): a
 * client of its own, apart from the browser and the rest of the suite on 127.0.0.1.
 */
function requestFrom(localAddress: string, path: string, options: { method?: string; headers?: Record<string, string>; chunks?: string[] } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      { host: "127.0.0.1", port: E2E.appPort, localAddress, path, method: options.method ?? "GET", headers: { host: `localhost:${E2E.appPort}`, ...options.headers } },
      (response) => {
        let body = "";
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => (body += chunk));
        response.on("end", () => resolve({ status: response.statusCode!, headers: response.headers, json: () => JSON.parse(body) }));
      },
    );
    request.on("error", reject);
    // Written piece by piece without a Content-Length, Node sends the body chunked.
    for (const chunk of options.chunks ?? []) request.write(chunk);
    request.end();
  });
}

const pointsOf = (limit: string) => Number(limit.split("/")[0]);

test("sign-in starts are limited per client address, whatever X-Forwarded-For claims", async ({ page }) => {
  const points = pointsOf(E2E.appEnv.RATE_LIMIT_LOGIN);
  // With TRUSTED_PROXY_COUNT = 0 a forged X-Forwarded-For must not buy a fresh bucket: each
  // request claims another address, and they all count against the socket's.
  for (let i = 0; i < points; i++) {
    const started = await requestFrom("127.0.0.2", "/api/auth/login", { headers: { "X-Forwarded-For": `198.51.100.${i}` } });
    expect(started.status).toBe(302);
    expect(started.headers.location).toMatch(new RegExp(`^${E2E.issuer}/`));
  }

  const refused = await requestFrom("127.0.0.2", "/api/auth/login", { headers: { "X-Forwarded-For": "203.0.113.250" } });
  expect(refused.status).toBe(429);
  expect(refused.json()).toEqual({ error: "rate_limited", message: expect.any(String) });
  expect(Number(refused.headers["retry-after"])).toBeGreaterThanOrEqual(1);
  expect(Number(refused.headers["retry-after"])).toBeLessThanOrEqual(60);
  expect(refused.headers["cache-control"]).toBe("no-store");

  // Auth.js's own sign-in start is the same bucket.
  const authJsSignIn = await requestFrom("127.0.0.2", "/api/auth/signin/oidc", { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, chunks: ["callbackUrl=%2Fprofile"] });
  expect(authJsSignIn.status).toBe(429);

  // A person's browser is sent to a page that says what happened, not raw JSON.
  const navigation = await requestFrom("127.0.0.2", "/api/auth/login", { headers: { "Sec-Fetch-Mode": "navigate", Accept: "text/html" } });
  expect(navigation.status).toBe(303);
  expect(navigation.headers.location).toBe(`${E2E.appUrl}/signin/error?error=rate_limited`);
  await page.goto(navigation.headers.location!);
  await expect(page.getByTestId("sign-in-error")).toContainText("Too many sign-in attempts");

  // Another client address is unaffected.
  const otherClient = await requestFrom("127.0.0.3", "/api/auth/login", { headers: { "X-Forwarded-For": "127.0.0.2" } });
  expect(otherClient.status).toBe(302);
});

test("an unauthenticated POST body over 16 KiB is refused with 413, with or without a Content-Length", async () => {
  const oversized = JSON.stringify({ refresh_token: `vsa_rt_${"x".repeat(17 * 1024)}` });
  const json = { "content-type": "application/json" };

  const declared = await requestFrom("127.0.0.4", "/api/auth/refresh", { method: "POST", headers: { ...json, "content-length": String(Buffer.byteLength(oversized)) }, chunks: [oversized] });
  expect(declared.status).toBe(413);
  expect(declared.json()).toEqual({ error: "payload_too_large", message: expect.any(String) });

  const chunked = await requestFrom("127.0.0.4", "/api/auth/refresh", { method: "POST", headers: json, chunks: oversized.match(/.{1,1024}/g)! });
  expect(chunked.status).toBe(413);
  expect(chunked.json()).toMatchObject({ error: "payload_too_large" });

  // A body under the limit reaches the refresh logic (and its own refusal).
  const small = await requestFrom("127.0.0.4", "/api/auth/refresh", { method: "POST", headers: json, chunks: [JSON.stringify({ refresh_token: "vsa_rt_unknown" })] });
  expect(small.status).toBe(401);
  expect(small.json()).toMatchObject({ error: "invalid_refresh_token" });

  // Auth.js's own POSTs are capped too, and one under the limit reaches Auth.js intact.
  const form = { "content-type": "application/x-www-form-urlencoded" };
  // So are the sign-in's own forms: the email step and IdP-initiated sign-in refuse, not read as empty.
  for (const path of ["/api/auth/discover", "/api/auth/initiate"]) {
    const refused = await requestFrom("127.0.0.4", path, { method: "POST", headers: form, chunks: [`email=${"x".repeat(17 * 1024)}`] });
    expect(refused.status, path).toBe(413);
  }
  const authJs = await requestFrom("127.0.0.4", "/api/auth/signout", { method: "POST", headers: form, chunks: [`csrfToken=${"x".repeat(17 * 1024)}`] });
  expect(authJs.status).toBe(413);
  const csrf = await requestFrom("127.0.0.4", "/api/auth/csrf");
  const { csrfToken } = csrf.json() as { csrfToken: string };
  const cookie = (csrf.headers["set-cookie"] ?? []).map((setCookie) => setCookie.split(";")[0]).join("; ");
  const signIn = await requestFrom("127.0.0.4", "/api/auth/signin/oidc", { method: "POST", headers: { ...form, cookie }, chunks: [new URLSearchParams({ csrfToken, callbackUrl: "/profile" }).toString()] });
  expect(signIn.status).toBe(302);
  expect(signIn.headers.location).toMatch(new RegExp(`^${E2E.issuer}/`));
});

test("a signed-in user mints API tokens until the per-user limit answers 429", async ({ page }) => {
  await signInThroughProvider(page, "carol@example.com", "carol");
  await consent(page);
  await expect(page).toHaveURL(`${E2E.appUrl}/profile`);
  const sameOrigin = { headers: { Origin: E2E.appUrl } };
  try {
    const points = pointsOf(E2E.appEnv.RATE_LIMIT_TOKEN);
    for (let i = 0; i < points; i++) expect((await page.request.post("/api/auth/token", sameOrigin)).status()).toBe(200);
    const refused = await page.request.post("/api/auth/token", sameOrigin);
    expect(refused.status()).toBe(429);
    expect(await refused.json()).toEqual({ error: "rate_limited", message: expect.any(String) });
    expect(Number(refused.headers()["retry-after"])).toBeGreaterThanOrEqual(1);
    expect(Number(refused.headers()["retry-after"])).toBeLessThanOrEqual(3600);
    expect(refused.headers()["cache-control"]).toBe("no-store");
  } finally {
    // Leaves no live token of Carol's behind for the next run.
    await page.request.post("/api/auth/logout", { ...sameOrigin, data: { everywhere: true } });
  }
});

test("the IdP's redirect back and back-channel logout are limited per client address; their bodies are capped", async () => {
  const callbackPoints = pointsOf(E2E.appEnv.RATE_LIMIT_CALLBACK);
  for (let i = 0; i < callbackPoints; i++) {
    const refusedSignIn = await requestFrom("127.0.0.5", "/api/auth/callback/oidc?code=forged&state=forged");
    expect(refusedSignIn.status).toBe(302);
    expect(refusedSignIn.headers.location).toMatch(/\/signin\/error\?error=state_mismatch/);
  }
  const overCallback = await requestFrom("127.0.0.5", "/api/auth/callback/oidc?code=forged&state=forged");
  expect(overCallback.status).toBe(429);
  expect(overCallback.json()).toMatchObject({ error: "rate_limited" });
  const navigation = await requestFrom("127.0.0.5", "/api/auth/callback/oidc?code=forged&state=forged", { headers: { "Sec-Fetch-Mode": "navigate", Accept: "text/html" } });
  expect(navigation.status).toBe(303);
  expect(navigation.headers.location).toBe(`${E2E.appUrl}/signin/error?error=rate_limited`);

  const backchannelPoints = pointsOf(E2E.appEnv.RATE_LIMIT_BACKCHANNEL_LOGOUT);
  const logout = { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, chunks: ["logout_token=not.a.jwt"] };
  for (let i = 0; i < backchannelPoints; i++) expect((await requestFrom("127.0.0.6", "/api/auth/backchannel-logout", logout)).status).toBe(400);
  const overBackchannel = await requestFrom("127.0.0.6", "/api/auth/backchannel-logout", logout);
  expect(overBackchannel.status).toBe(429);
  expect(overBackchannel.json()).toMatchObject({ error: "rate_limited" });

  // Bodies over 16 KiB: 413 JSON for the IdP's back channel, the explained error page for a browser's form_post.
  const big = "logout_token=" + "a".repeat(17 * 1024);
  const tooLarge = await requestFrom("127.0.0.7", "/api/auth/backchannel-logout", { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, chunks: [big] });
  expect(tooLarge.status).toBe(413);
  expect(tooLarge.json()).toMatchObject({ error: "payload_too_large" });
  const bigCallback = await requestFrom("127.0.0.7", "/api/auth/callback/oidc", { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, chunks: ["code=x&state=" + "s".repeat(17 * 1024)] });
  expect(bigCallback.status).toBe(302);
  expect(bigCallback.headers.location).toMatch(/\/signin\/error\?error=invalid_callback&reason=too_large/);
});
