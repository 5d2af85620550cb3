import { randomUUID } from "node:crypto";
import { expect, test } from "@playwright/test";
import { startTransmitter } from "../../scripts/dev/ssf-transmitter.mjs";
import { queryDatabase as query } from "../support/database-query";
import { startDevProviderProcess } from "../support/dev-provider-process";
import { E2E } from "../support/e2e-settings";
import { runOrgsCli } from "../support/orgs-cli";
import { consent, logInAtDevelopmentProvider } from "../support/sign-in-flow";

// An organisation whose IdP pushes security events, against the running app: its own IdP (the
// bundled provider holding globex.test's people), a connection, and a Shared Signals stream made
// with `npm run orgs`, from a local transmitter that signs SETs with jose and pushes them over HTTP.
const SLUG = `e2e-ssf-${randomUUID().slice(0, 8)}`;
const CLIENT = { id: `ssf-console-${randomUUID().slice(0, 8)}`, secret: `ssf-secret-${randomUUID()}` };
const cliEnv = { DATABASE_URL: process.env.DATABASE_URL!, CONNECTION_SECRET_KEY: E2E.appEnv.CONNECTION_SECRET_KEY, AUTH_URL: E2E.appUrl, NODE_ENV: "production" };

let idp: Awaited<ReturnType<typeof startDevProviderProcess>>;
let transmitter: Awaited<ReturnType<typeof startTransmitter>>;
let connectionId: string;
let endpoint: string;

function orgs(args: string[], input?: string) {
  const result = runOrgsCli(args, cliEnv, input);
  expect(result.status, `npm run orgs -- ${args.join(" ")}\n${result.stdout}\n${result.stderr}`).toBe(0);
  return result.stdout.trim().split("\n").at(-1)!;
}

async function removeEarlierRuns() {
  await query(`DELETE FROM "SignalStream" WHERE "connectionId" IN (SELECT c.id FROM "Connection" c JOIN "Organisation" o ON o.id = c."organisationId" WHERE o.slug LIKE 'e2e-ssf-%')`);
  await query(`DELETE FROM "User" WHERE "organisationId" IN (SELECT id FROM "Organisation" WHERE slug LIKE 'e2e-ssf-%')`);
  await query(`DELETE FROM "Organisation" WHERE slug LIKE 'e2e-ssf-%'`);
}

test.describe("Shared Signals: the organisation's IdP pushes a session-revoked event", () => {
  test.beforeAll(async () => {
    await removeEarlierRuns();
    idp = await startDevProviderProcess({ port: E2E.globexOidcPort + 2, accounts: "globex", clientId: CLIENT.id, clientSecret: CLIENT.secret, appUrls: [E2E.appUrl] });
    transmitter = await startTransmitter();
    orgs(["create", SLUG, "Globex with Shared Signals (e2e)"]);
    orgs(["add-domain", SLUG, "globex.test"]);
    orgs(["verify-domain", SLUG, "globex.test", "--mark"]);
    connectionId = orgs(["add-connection", SLUG, "--issuer", idp.issuer, "--client-id", CLIENT.id, "--client-secret-file", "-", "--domains", "globex.test"], `${CLIENT.secret}\n`);
    endpoint = orgs(["signal-stream", SLUG, connectionId, "--issuer", transmitter.issuer, "--jwks-uri", transmitter.jwksUri]);
    expect(endpoint).toMatch(new RegExp(`^${E2E.appUrl}/api/shared-signals/`));
  });

  test.afterAll(async () => {
    await transmitter?.close();
    await idp?.stop();
    await removeEarlierRuns();
  });

  test("a signed-in person's session and API token end when the transmitter says so; a replay and a forged SET are refused", async ({ page }) => {
    await page.goto(`/api/auth/login?connection=${connectionId}&callbackUrl=/profile`);
    await logInAtDevelopmentProvider(page, "gale@globex.test", "gale");
    await consent(page);
    await expect(page).toHaveURL(`${E2E.appUrl}/profile`);
    const minted = await page.request.post("/api/auth/token", { headers: { origin: E2E.appUrl } });
    expect(minted.status()).toBe(200);
    const bearer = { authorization: `Bearer ${((await minted.json()) as { access_token: string }).access_token}` };
    expect((await fetch(`${E2E.appUrl}/api/auth/me`, { headers: bearer })).status).toBe(200);
    const [account] = await query<{ sub: string; userId: string }>(`SELECT "providerAccountId" AS sub, "userId" FROM "Account" WHERE provider = $1`, [connectionId]);
    const subject = { format: "iss_sub", iss: idp.issuer, sub: account!.sub };

    // A SET signed by someone else's key, or for another receiver, changes nothing.
    const forged = await transmitter.pushSet(endpoint, { event: "session-revoked", subject, header: { kid: "someone-else" } });
    expect(forged.status).toBe(400);
    expect(JSON.parse(forged.body)).toMatchObject({ err: "invalid_key" });
    expect((await transmitter.pushSet(endpoint, { event: "session-revoked", subject, audience: "https://another-receiver.example" })).status).toBe(400);
    await page.goto("/profile");
    await expect(page.getByTestId("profile-email")).toHaveText("gale@globex.test");

    const pushed = await transmitter.pushSet(endpoint, { event: "session-revoked", subject });
    expect(pushed.status).toBe(202);
    await expect.poll(async () => ((await (await fetch(`${E2E.appUrl}/api/auth/me`, { headers: bearer })).json()) as { error?: string }).error, { timeout: 5_000 }).toBe("token_revoked");
    await page.goto("/profile");
    await expect(page).toHaveURL(/\/signin\?error=session_ended/);
    expect((await transmitter.pushSet(endpoint, pushed.token)).status).toBe(400);

    const events = await query<{ actor: string; detail: { source: string; event: string; revokedFamilies: number } }>(`SELECT actor, detail FROM "AuditEvent" WHERE "targetUserId" = $1 AND action = 'access_revoked'`, [account!.userId]);
    expect(events).toEqual([expect.objectContaining({ actor: expect.stringMatching(/^signal-stream:/), detail: expect.objectContaining({ source: "shared_signals", event: "session-revoked", revokedFamilies: 2 }) })]);
  });
});
