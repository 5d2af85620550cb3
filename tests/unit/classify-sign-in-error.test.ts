import { AccessDenied, CallbackRouteError, InvalidCheck, OAuthCallbackError } from "@auth/core/errors";
import * as oauth from "oauth4webapi";
import { describe, expect, it } from "vitest";
import { IdpMetadataError } from "@/lib/oidc/identity-provider";
import { classifySignInError } from "@/lib/sign-in/classify-sign-in-error";
import { SignInRefusal } from "@/lib/errors/sign-in-failures";
import { AccountConflictError, AccountDisabledError } from "@/lib/users/upsert-user-from-oidc-profile";

const as: oauth.AuthorizationServer = { issuer: "https://idp.test", token_endpoint: "https://idp.test/token", authorization_response_iss_parameter_supported: true };
const client: oauth.Client = { client_id: "console" };

/** What oauth4webapi really throws for a callback's parameters, as Auth.js wraps it. */
function callbackError(params: string, expectedState = "s-1"): unknown {
  try {
    oauth.validateAuthResponse(as, client, new URLSearchParams(params), expectedState);
  } catch (error) {
    return new CallbackRouteError(error as never, { provider: "oidc" } as never);
  }
  throw new Error("expected validateAuthResponse to throw");
}

async function tokenEndpointError(response: Response): Promise<unknown> {
  try {
    await oauth.processAuthorizationCodeResponse(as, client, response, { requireIdToken: true });
  } catch (error) {
    return new CallbackRouteError(error as never, { provider: "oidc" } as never);
  }
  throw new Error("expected processAuthorizationCodeResponse to throw");
}

describe("classifySignInError", () => {
  it("keeps the reason of a refusal we raised, however deeply Auth.js wrapped it", () => {
    const refusal = new SignInRefusal({ code: "invalid_id_token", reason: "signature" });
    expect(classifySignInError(new CallbackRouteError(refusal as never, { provider: "oidc" } as never))).toEqual({ code: "invalid_id_token", reason: "signature" });
  });

  it("names an email conflict and a disabled account thrown from the signIn callback", () => {
    expect(classifySignInError(new AccessDenied(new AccountConflictError() as never))).toEqual({ code: "account_conflict" });
    expect(classifySignInError(new AccessDenied(new AccountDisabledError() as never))).toEqual({ code: "account_disabled" });
  });

  it("tells a tampered or missing state, and a foreign iss parameter (RFC 9207), apart", () => {
    expect(classifySignInError(callbackError("code=c&state=forged&iss=https%3A%2F%2Fidp.test"))).toEqual({ code: "state_mismatch", reason: "state" });
    expect(classifySignInError(callbackError("code=c&iss=https%3A%2F%2Fidp.test"))).toEqual({ code: "state_mismatch", reason: "state" });
    expect(classifySignInError(callbackError("code=c&state=s-1&iss=https%3A%2F%2Fevil.test"))).toEqual({ code: "invalid_callback", reason: "issuer" });
    expect(classifySignInError(callbackError("code=c&state=s-1"))).toEqual({ code: "invalid_callback", reason: "issuer" });
    expect(classifySignInError(new CallbackRouteError(new InvalidCheck("State cookie was missing.") as never, { provider: "oidc" } as never))).toMatchObject({ code: "state_mismatch" });
  });

  it("reads the IdP's own error from the callback: a denial is access_denied, anything else idp_error", () => {
    const error = new OAuthCallbackError("OAuth Provider returned an error", { providerId: "oidc" } as never);
    expect(classifySignInError(error, new URLSearchParams("error=access_denied&error_description=cancelled"))).toMatchObject({
      code: "access_denied",
      idpError: "access_denied",
      idpErrorDescription: "cancelled",
    });
    expect(classifySignInError(error, new URLSearchParams("error=server_error"))).toMatchObject({ code: "idp_error", reason: "server_error" });
  });

  it("passes on the token endpoint's OAuth error (a replayed or PKCE-tampered code is invalid_grant)", async () => {
    const error = await tokenEndpointError(Response.json({ error: "invalid_grant", error_description: "grant request is invalid" }, { status: 400 }));
    expect(classifySignInError(error)).toMatchObject({ code: "idp_error", reason: "invalid_grant", idpError: "invalid_grant", idpErrorDescription: "grant request is invalid" });
  });

  it("calls an IdP that answers 5xx or does not answer unreachable, and a broken answer an IdP error", async () => {
    expect(classifySignInError(await tokenEndpointError(new Response("<html>bad gateway", { status: 502 })))).toEqual({ code: "idp_unreachable", reason: "http_502" });
    expect(classifySignInError(await tokenEndpointError(new Response("not json", { status: 200 })))).toMatchObject({ code: "idp_error" });
    expect(classifySignInError(new CallbackRouteError(new DOMException("The operation was aborted due to timeout", "TimeoutError") as never, { provider: "oidc" } as never))).toEqual({ code: "idp_unreachable", reason: "timeout" });
    const refused = await fetch("http://127.0.0.1:1/").catch((error: unknown) => error);
    expect(classifySignInError(new CallbackRouteError(refused as never, { provider: "oidc" } as never))).toEqual({ code: "idp_unreachable", reason: "network" });
    expect(classifySignInError(new IdpMetadataError("down", 503))).toEqual({ code: "idp_unreachable", reason: "http_503" });
    expect(classifySignInError(new IdpMetadataError("the discovery document names another issuer"))).toEqual({ code: "idp_error", reason: "bad_metadata" });
  });

  it("blames our side, never the person, for anything else", () => {
    expect(classifySignInError(new CallbackRouteError(new Error("database is on fire") as never, { provider: "oidc" } as never))).toEqual({ code: "server_error" });
    expect(classifySignInError("not even an error")).toEqual({ code: "server_error" });
  });
});
