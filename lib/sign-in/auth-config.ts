import { customFetch } from "@auth/core";
import type { NextAuthConfig } from "next-auth";
import type { Env } from "../config/env";
import { identityProviderOf, type IdentityProvider } from "../oidc/identity-provider";
import { environmentConnection, type Connection } from "../organisations/connection";
import { isRole } from "../roles/roles";
import { sessionCookieName } from "../credentials/session-cookie";
import { authLogger } from "./auth-logger";
import { checkTokenResponse } from "../oidc/token-response-check";
import "./auth-types";
import { signInCookies } from "./sign-in-cookies";

export const AUTH_BASE_PATH = "/api/auth";
export const OIDC_PROVIDER_ID = "oidc";

/**
 * The Edge-safe half of the Auth.js configuration: no database, no Node-only module.
 * lib/sign-in/auth-instance.ts adds the adapter and the database callbacks on top of it.
 * Built per request for the connection the sign-in goes through: Auth.js's provider is
 * always "oidc" (one redirect URI for every connection), its issuer and client are the
 * connection's, and the sign-in's connection cookie says which (sign-in-connection-cookie.ts).
 */
export function buildAuthJsConfig(env: Env, connection: Connection = environmentConnection(env), idp: IdentityProvider = identityProviderOf(connection, env)): NextAuthConfig {
  return {
    basePath: AUTH_BASE_PATH,
    secret: env.authSecret,
    // AUTH_URL is the configured public origin; next-auth rewrites request URLs to it.
    trustHost: true,
    useSecureCookies: env.secureCookies,
    cookies: { ...signInCookies(env.secureCookies), sessionToken: { name: sessionCookieName(env.secureCookies) } },
    session: { strategy: "jwt", maxAge: env.sessionIdleMinutes * 60 },
    providers: [
      {
        id: OIDC_PROVIDER_ID,
        name: connection.displayName,
        type: "oidc",
        issuer: connection.issuer,
        clientId: connection.clientId,
        clientSecret: connection.clientSecret,
        checks: ["pkce", "state", "nonce"],
        authorization: { params: { scope: connection.scopes } },
        // The ID token is verified in full (signature included) before Auth.js reads it.
        token: { conform: (response: Response) => checkTokenResponse(response, idp, connection.clientId) },
        // Every call Auth.js makes to the IdP is bounded, and discovery comes from the cache.
        [customFetch]: idp.fetch,
      },
    ],
    logger: authLogger,
    pages: { signIn: "/signin", error: "/signin/error" },
    callbacks: {
      jwt({ token, user }) {
        // `user` is present only at sign-in: it is the database row, so the role is current.
        if (user) {
          if (user.id) token.sub = user.id;
          if (isRole(user.role)) token.role = user.role;
          token.authTime = Math.floor(Date.now() / 1000);
        }
        return token;
      },
      session({ session, token }) {
        if (token.sub) session.user.id = token.sub;
        if (token.role) session.user.role = token.role;
        if (token.familyId) session.user.familyId = token.familyId;
        return session;
      },
    },
  };
}
