#!/usr/bin/env node
// The bundled development OpenID provider: a real, standard OpenID Provider (panva's
// oidc-provider) with discovery, JWKS, authorize, token, userinfo, end-session, its own
// login and consent pages, and a few fixed accounts. `npm run dev` and the end-to-end
// tests start it; it is never meant for production (in-memory state, fixed passwords).
//
// Environment: DEV_OIDC_PORT (default 9400), DEV_OIDC_ACCOUNTS (example, acme or globex: whose
// accounts it holds, default example), DEV_OIDC_APP_URLS (comma-separated app
// origins allowed to sign in, default http://localhost:3000), OIDC_CLIENT_ID,
// OIDC_CLIENT_SECRET (default: the development client), DEV_OIDC_NO_REFRESH_CLIENT_ID (a
// second client, same secret and return addresses, that is never given a refresh token, as
// Entra ID and Okta do without the offline_access scope).
import { randomBytes } from "node:crypto";
import dns from "node:dns";
import http from "node:http";
import { pathToFileURL } from "node:url";
import { exportJWK, generateKeyPair } from "jose";
import Provider from "oidc-provider";
import { DEV_DEFAULTS, devIssuer } from "../../lib/config/dev-defaults.mjs";

// The app is reached as "localhost" (see TOOLCHAIN: Next rewrites 127.0.0.1), and `next
// start` listens on IPv4 here; Node 20 would otherwise try ::1 first for back-channel calls.
dns.setDefaultResultOrder("ipv4first");

/**
 * Login is the email; `claims.email` is what the IdP asserts (the twin shows an email
 * conflict). Carol is the end-to-end suite's rate-limit user: it spends her token budget.
 * `groups` lets roles from the IdP be tried locally (OIDC_ROLE_CLAIM=groups, OIDC_ROLE_MAP
 * from these names; see README): bob's group maps to nothing, the twin has none.
 */
export const DEV_ACCOUNTS = [
  { sub: "dev-alice", login: "alice@example.com", password: "alice", claims: { email: "alice@example.com", name: "Alice Example", groups: ["vsa-admins"] } },
  { sub: "dev-bob", login: "bob@example.com", password: "bob", claims: { email: "bob@example.com", name: "Bob Example", groups: ["vsa-viewers"] } },
  { sub: "dev-alice-twin", login: "twin@example.com", password: "twin", claims: { email: "alice@example.com", name: "Alice's Twin" } },
  { sub: "dev-carol", login: "carol@example.com", password: "carol", claims: { email: "carol@example.com", name: "Carol Example", groups: ["vsa-managers", "vsa-viewers"] } },
];

/**
 * The second development organisation's people (DEV_OIDC_ACCOUNTS=acme): its own IdP, its
 * own domain. Mallory is the rogue account: this IdP asserts an example.com email for her,
 * a domain it was never given, which the console refuses (domain_not_allowed).
 */
export const ACME_ACCOUNTS = [
  { sub: "acme-pat", login: "pat@acme.test", password: "pat", claims: { email: "pat@acme.test", name: "Pat Acme", groups: ["acme-admins"] } },
  { sub: "acme-sam", login: "sam@acme.test", password: "sam", claims: { email: "sam@acme.test", name: "Sam Acme", groups: ["acme-staff"] } },
  { sub: "acme-mallory", login: "mallory@acme.test", password: "mallory", claims: { email: "alice@example.com", name: "Mallory (claims Alice)" } },
];

/**
 * A third organisation's people (DEV_OIDC_ACCOUNTS=globex): the one the end-to-end suite sets
 * up through a setup link at run time, as a customer's IT admin would (Gale is that admin).
 */
export const GLOBEX_ACCOUNTS = [
  { sub: "globex-gale", login: "gale@globex.test", password: "gale", claims: { email: "gale@globex.test", name: "Gale Globex", groups: ["globex-it"] } },
  { sub: "globex-gus", login: "gus@globex.test", password: "gus", claims: { email: "gus@globex.test", name: "Gus Globex", groups: ["globex-staff"] } },
];

export const ACCOUNT_SETS = { example: DEV_ACCOUNTS, acme: ACME_ACCOUNTS, globex: GLOBEX_ACCOUNTS };

const escapeHtml = (value) =>
  String(value).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);

function page(title, body) {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)}</title><style>
body{font-family:system-ui,sans-serif;background:#f1f5f9;margin:0;padding:2rem 1rem;color:#0f172a}
main{max-width:24rem;margin:auto;background:#fff;border:1px solid #cbd5e1;border-radius:.5rem;padding:1.5rem}
label{display:block;margin-top:1rem;font-size:.9rem}input{width:100%;box-sizing:border-box;padding:.5rem;margin-top:.25rem;font-size:1rem}
button{margin-top:1.25rem;padding:.6rem 1rem;font-size:1rem;border-radius:.375rem;border:1px solid #4338ca;background:#4f46e5;color:#fff;cursor:pointer}
button.secondary{background:#fff;color:#334155;border-color:#94a3b8;margin-left:.5rem}.error{color:#b91c1c}.note{color:#64748b;font-size:.85rem}
</style></head><body><main><p class="note">Development identity provider</p><h1>${escapeHtml(title)}</h1>${body}</main></body></html>`;
}

function loginPage(uid, error, accounts) {
  return page(
    "Sign-in",
    `${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ""}
<form method="post" action="/interaction/${escapeHtml(uid)}/login">
<label>Email<input name="login" type="email" autocomplete="username" required autofocus></label>
<label>Password<input name="password" type="password" autocomplete="current-password" required></label>
<button type="submit">Sign-in</button></form>
<p class="note">Accounts: ${accounts.map((a) => `${escapeHtml(a.login)} / ${escapeHtml(a.password)}`).join(", ")}</p>`,
  );
}

function consentPage(uid, clientId, scopes) {
  return page(
    "Authorize",
    `<p><strong>${escapeHtml(clientId)}</strong> asks for: ${escapeHtml(scopes.join(", ") || "your sign-in")}.</p>
<form method="post" action="/interaction/${escapeHtml(uid)}/confirm" style="display:inline"><button type="submit" autofocus>Continue</button></form>
<form method="post" action="/interaction/${escapeHtml(uid)}/abort" style="display:inline"><button type="submit" class="secondary">Cancel</button></form>`,
  );
}

async function readForm(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
}

function send(res, status, html) {
  res.writeHead(status, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
  res.end(html);
}

function createInteractionHandler(provider, accounts) {
  return async function handleInteraction(req, res, pathname) {
    const [, , uid, action] = pathname.split("/");
    const details = await provider.interactionDetails(req, res);
    if (details.uid !== uid) return send(res, 400, page("Error", "<p>Unknown interaction.</p>"));
    const { prompt, params, session } = details;

    if (req.method === "GET") {
      if (prompt.name === "login") return send(res, 200, loginPage(uid, undefined, accounts));
      const scopes = [...new Set([...(prompt.details.missingOIDCScope ?? [])])];
      return send(res, 200, consentPage(uid, params.client_id, scopes));
    }
    if (req.method !== "POST") return send(res, 405, page("Error", "<p>Method not allowed.</p>"));

    if (action === "login") {
      const form = await readForm(req);
      const account = accounts.find((a) => a.login === form.get("login")?.trim().toLowerCase());
      if (!account || account.password !== form.get("password")) {
        return send(res, 200, loginPage(uid, "Wrong email or password.", accounts));
      }
      return provider.interactionFinished(req, res, { login: { accountId: account.sub } }, { mergeWithLastSubmission: false });
    }
    if (action === "confirm") {
      const grant = details.grantId
        ? await provider.Grant.find(details.grantId)
        : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
      if (prompt.details.missingOIDCScope) grant.addOIDCScope(prompt.details.missingOIDCScope.join(" "));
      if (prompt.details.missingOIDCClaims) grant.addOIDCClaims(prompt.details.missingOIDCClaims);
      for (const [indicator, scopes] of Object.entries(prompt.details.missingResourceScopes ?? {})) {
        grant.addResourceScope(indicator, scopes.join(" "));
      }
      const grantId = await grant.save();
      return provider.interactionFinished(req, res, { consent: details.grantId ? {} : { grantId } }, { mergeWithLastSubmission: true });
    }
    if (action === "abort") {
      return provider.interactionFinished(
        req,
        res,
        { error: "access_denied", error_description: "The user cancelled the sign-in." },
        { mergeWithLastSubmission: false },
      );
    }
    return send(res, 404, page("Error", "<p>Not found.</p>"));
  };
}

/** Starts the provider; resolves to { issuer, close }. */
export async function startDevOidcProvider({
  port = DEV_DEFAULTS.oidcPort,
  appUrls = [`http://localhost:${DEV_DEFAULTS.appPort}`],
  clientId = DEV_DEFAULTS.clientId,
  clientSecret = DEV_DEFAULTS.clientSecret,
  noRefreshClientId,
  accounts = DEV_ACCOUNTS,
} = {}) {
  const issuer = devIssuer(port);
  const client = {
    client_id: clientId,
    client_secret: clientSecret,
    client_name: "VoiceSurveyAgent console (development)",
    grant_types: ["authorization_code", "refresh_token"],
    response_types: ["code"],
    token_endpoint_auth_method: "client_secret_basic",
    redirect_uris: appUrls.map((url) => `${url}/api/auth/callback/oidc`),
    post_logout_redirect_uris: appUrls.flatMap((url) => [url, `${url}/`]),
    // OpenID Connect Back-Channel Logout: a logout here is sent to the app, with the sid.
    backchannel_logout_uri: `${appUrls[0]}/api/auth/backchannel-logout`,
    backchannel_logout_session_required: true,
  };
  // Without the refresh_token grant, issueRefreshToken below gives it none.
  const noRefreshClient = noRefreshClientId && { ...client, client_id: noRefreshClientId, client_name: "Console without refresh tokens", grant_types: ["authorization_code"] };
  const { privateKey } = await generateKeyPair("RS256", { extractable: true });
  const signingKey = { ...(await exportJWK(privateKey)), kid: "dev-rs256", use: "sig", alg: "RS256" };

  const provider = new Provider(issuer, {
    clients: noRefreshClient ? [client, noRefreshClient] : [client],
    jwks: { keys: [signingKey] },
    cookies: { keys: [randomBytes(32).toString("hex")] },
    pkce: { required: () => true },
    // Refresh tokens for the app's sessions, rotated on every use, as many corporate IdPs do.
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed("refresh_token"),
    rotateRefreshToken: () => true,
    // `groups` rides with the profile scope, which the app asks for by default: trying roles
    // from the IdP locally then needs no OIDC_SCOPES change (Okta, by contrast, has a groups scope).
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name", "groups"] },
    // Auth.js reads the claims from the ID token, so put them there, not only in userinfo.
    conformIdTokenClaims: false,
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: async (ctx, form) => {
          ctx.body = page(
            "Sign out",
            `<p>Sign out of the development identity provider?</p>${form}
<button autofocus type="submit" form="op.logoutForm" value="yes" name="logout">Yes, sign me out</button>
<button type="submit" class="secondary" form="op.logoutForm">No, stay signed in</button>`,
          );
        },
        postLogoutSuccessSource: async (ctx) => {
          ctx.body = page("Signed out", "<p>You are signed out of the development identity provider.</p>");
        },
      },
      backchannelLogout: { enabled: true },
      revocation: { enabled: true },
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    // oidc-provider refuses outgoing requests to special-use addresses (SSRF protection),
    // loopback included; this development provider's only peer, the app, is on loopback.
    fetch: (url, { dispatcher: _ssrfGuard, ...options }) => globalThis.fetch(url, options),
    async findAccount(_ctx, sub) {
      const account = accounts.find((a) => a.sub === sub);
      if (!account) return undefined;
      return {
        accountId: sub,
        claims: async () => ({ sub, email: account.claims.email, email_verified: true, name: account.claims.name, groups: account.claims.groups }),
      };
    },
  });

  provider.on("backchannel.success", (_ctx, client) => console.log(`[dev-oidc] back-channel logout sent to ${client.clientId}`));
  provider.on("backchannel.error", (_ctx, error, client) =>
    console.error(`[dev-oidc] back-channel logout to ${client.clientId} failed: ${error.message}${error.error_description ? ` (${error.error_description})` : ""}`),
  );
  provider.on("server_error", (_ctx, error) => console.error(`[dev-oidc] server error: ${error.message}`));

  const handleInteraction = createInteractionHandler(provider, accounts);
  const providerCallback = provider.callback();
  const server = http.createServer((req, res) => {
    const { pathname } = new URL(req.url ?? "/", issuer);
    if (!pathname.startsWith("/interaction/")) return providerCallback(req, res);
    handleInteraction(req, res, pathname).catch((error) => {
      send(res, 400, page("Sign-in failed", `<p>${escapeHtml(error.message ?? "The sign-in session expired.")} Start again from the app.</p>`));
    });
  });
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", resolve);
  });
  return { issuer, close: () => new Promise((resolve) => server.close(resolve)) };
}

/** DEV_OIDC_ACCOUNTS: "example" (default: alice, bob, carol), "acme" (the second organisation's people) or "globex" (a third's). */
function accountSet(name = "example") {
  const accounts = ACCOUNT_SETS[name];
  if (!accounts) throw new Error(`DEV_OIDC_ACCOUNTS must be one of ${Object.keys(ACCOUNT_SETS).join(", ")}, not ${JSON.stringify(name)}`);
  return accounts;
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isMain) {
  const port = Number(process.env.DEV_OIDC_PORT ?? DEV_DEFAULTS.oidcPort);
  const appUrls = (process.env.DEV_OIDC_APP_URLS ?? `http://localhost:${DEV_DEFAULTS.appPort}`)
    .split(",")
    .map((url) => url.trim().replace(/\/+$/, ""))
    .filter(Boolean);
  const { issuer } = await startDevOidcProvider({
    port,
    appUrls,
    clientId: process.env.OIDC_CLIENT_ID || DEV_DEFAULTS.clientId,
    clientSecret: process.env.OIDC_CLIENT_SECRET || DEV_DEFAULTS.clientSecret,
    noRefreshClientId: process.env.DEV_OIDC_NO_REFRESH_CLIENT_ID || undefined,
    accounts: accountSet(process.env.DEV_OIDC_ACCOUNTS),
  });
  console.log(`[dev-oidc] development OpenID provider at ${issuer} (clients may return to ${appUrls.join(", ")})`);
  for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => process.exit(0));
}
