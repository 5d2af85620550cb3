import * as oauth from "oauth4webapi";
import { NextRequest } from "next/server";
import { describe, expect, it } from "vitest";
import { buildAuthJsConfig } from "@/lib/sign-in/auth-config";
import { environmentConnection } from "@/lib/organisations/connection";
import { clientSecretBasicAuthorization } from "@/lib/oidc/client-authentication";
import { IdentityProvider } from "@/lib/oidc/identity-provider";
import { runAuthAction } from "@/lib/sign-in/run-auth-action";
import { startSignIn } from "@/lib/sign-in/start-sign-in";
import { refreshAtIdp } from "@/lib/sessions/idp-session-renewal";
import { loadEnv } from "@/lib/config/env";
import { decodeAsOidcProvider, fakeIdp } from "../support/fake-idp";

// Every character an encoder may treat differently: unreserved (-._~), the escape (%), the
// Basic separator (:), a space and a non-ASCII letter. LemonLDAP::NG refused renewals whose
// secret held `-`, which oauth4webapi's ClientSecretBasic sends as %2D (issue 18, C).
const CLIENT_ID = "console:id-1.é";
const CLIENT_SECRET = "a-b.c_d~e%f:g h-é";
const APP = "http://localhost:3000";

describe("client_secret_basic", () => {
  it("decodes, by oidc-provider's rule, back to the exact client id and secret", () => {
    expect(decodeAsOidcProvider(clientSecretBasicAuthorization(CLIENT_ID, CLIENT_SECRET))).toEqual({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
    // Form-encoding as Auth.js does it: `-._~` as they are, a space as `+`.
    const sent = atob(clientSecretBasicAuthorization(CLIENT_ID, CLIENT_SECRET).slice("Basic ".length));
    expect(sent).toBe("console%3Aid-1.%C3%A9:a-b.c_d~e%25f%3Ag+h-%C3%A9");
  });

  it("the sign-in's code exchange and the session renewal send the very same header, Auth.js's own", async () => {
    const idp = await fakeIdp();
    const env = loadEnv({
      AUTH_SECRET: "unit-test-secret-0123456789abcdefghijklmnop",
      API_TOKEN_SIGNING_KEY: "{}",
      OIDC_ISSUER: idp.issuer,
      OIDC_CLIENT_ID: CLIENT_ID,
      OIDC_CLIENT_SECRET: CLIENT_SECRET,
    });
    let nonce = "";
    idp.answerTokenRequests(async () =>
      Response.json({
        access_token: "at",
        token_type: "Bearer",
        expires_in: 300,
        refresh_token: "rt-next",
        id_token: await idp.idToken(CLIENT_ID, { sub: "person-1", nonce }),
      }),
    );

    async function signIn(credentials: boolean) {
      const provider = new IdentityProvider(idp.issuer, {
        timeoutMs: 1000,
        transport: idp.transport,
        ...(credentials ? { clientCredentials: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET } } : {}),
      });
      const config = buildAuthJsConfig(env, environmentConnection(env), provider);
      const started = await startSignIn(new NextRequest(`${APP}/api/auth/login?callbackUrl=/profile`), config, { appUrl: APP, secureCookies: false, requestId: "req-1", secret: env.authSecret }, { connectionId: "oidc" });
      const authorize = new URL(started.headers.get("location")!);
      nonce = authorize.searchParams.get("nonce")!;
      const cookie = started.cookies.getAll().map((c) => `${c.name}=${c.value}`).join("; ");
      const callback = new Request(`${APP}/api/auth/callback/oidc?code=the-code&state=${authorize.searchParams.get("state")}`, { headers: { cookie } });
      const outcome = await runAuthAction(callback, config);
      // The sign-in completed: Auth.js issued its session cookie.
      expect(outcome.ok && outcome.result.cookies?.some((c) => c.name === "authjs.session-token" && c.value)).toBe(true);
      return idp.tokenRequests.at(-1)!;
    }

    // Auth.js alone (no credentials for the IdP's fetch to set) is what sign-in always sent.
    const authJsOwn = await signIn(false);
    expect(authJsOwn.body.get("grant_type")).toBe("authorization_code");
    const signInRequest = await signIn(true);
    expect(signInRequest.authorization).toBe(authJsOwn.authorization);
    expect(signInRequest.authorization).toBe(clientSecretBasicAuthorization(CLIENT_ID, CLIENT_SECRET));

    const renewing = new IdentityProvider(idp.issuer, { timeoutMs: 1000, transport: idp.transport, clientCredentials: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET } });
    nonce = "";
    await refreshAtIdp(environmentConnection(env), renewing, "rt-1", { idpSubject: "person-1", idToken: null }).catch(() => undefined);
    const renewal = idp.tokenRequests.at(-1)!;
    expect(renewal.body.get("grant_type")).toBe("refresh_token");
    expect(renewal.authorization).toBe(signInRequest.authorization);
    expect(decodeAsOidcProvider(renewal.authorization!)).toEqual({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
  });

  it("the IdP's fetch authenticates every token request itself, whatever the caller set (oauth4webapi's ClientSecretBasic escapes `-` as %2D)", async () => {
    const idp = await fakeIdp();
    const provider = new IdentityProvider(idp.issuer, { timeoutMs: 1000, transport: idp.transport, clientCredentials: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET } });
    const as = (await provider.metadata()) as unknown as oauth.AuthorizationServer;
    idp.answerTokenRequests(() => Response.json({ error: "invalid_grant" }, { status: 400 }));
    const response = await oauth.refreshTokenGrantRequest(as, { client_id: CLIENT_ID }, oauth.ClientSecretBasic(CLIENT_SECRET), "rt", { [oauth.customFetch]: provider.fetch });
    expect(response.status).toBe(400);
    expect(idp.tokenRequests.at(-1)!.authorization).toBe(clientSecretBasicAuthorization(CLIENT_ID, CLIENT_SECRET));
    // Requests elsewhere keep the caller's headers.
    expect((await provider.fetch(`${idp.issuer}/other`, { method: "POST", headers: { authorization: "Bearer x" } })).status).toBe(404);
  });
});
