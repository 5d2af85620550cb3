import "server-only";
import NextAuth, { type NextAuthConfig } from "next-auth";
import { auditRequestOf } from "../audit/audit-request";
import { getDb } from "../db";
import { getEnv, type Env } from "../config/env";
import { upsertUserFromOidcProfile } from "../users/upsert-user-from-oidc-profile";
import { buildAuthJsConfig } from "./auth-config";
import { signInAdapter } from "./sign-in-adapter";
import { signInRoleRules } from "../users/sign-in-role-rules";
import { endSignIn } from "../sessions/logout";
import { revokeFamilies } from "../sessions/revocation";
import { createBrowserFamily } from "../sessions/token-families";
import type { SignInState } from "./sign-in-audit";
import { verifiedEmail } from "../oidc/verified-email";
import { environmentConnection, type Connection } from "../organisations/connection";
import { signInEmailAllowed } from "../organisations/sign-in-email-rule";
import { SignInRefusal } from "../errors/sign-in-failures";

/**
 * The full Auth.js configuration (Node.js runtime): the Edge-safe config plus the database.
 * The callback route (lib/sign-in/complete-sign-in.ts) runs Auth.js with it directly;
 * the instance below serves Auth.js's other endpoints. Built per request: `state` carries the
 * request (for audit events) and collects what the callbacks did (for the sign-in's event).
 */
export function buildAuthJsConfigWithDatabase(
  env: Env = getEnv(),
  state: SignInState = { request: {}, attempt: {} },
  connection: Connection = environmentConnection(env),
): NextAuthConfig {
  const edge = buildAuthJsConfig(env, connection);
  const db = getDb();
  const absoluteLifetimeSeconds = env.sessionAbsoluteLifetimeHours * 3600;
  return {
    ...edge,
    adapter: signInAdapter(db, connection.id),
    events: {
      // Auth.js's own POST /api/auth/signout must end the sign-in too, not only the cookie.
      async signOut(message) {
        const token = "token" in message ? message.token : null;
        if (!token?.familyId) return;
        if (token.sub) await endSignIn(db, { userId: token.sub, familyId: token.familyId, via: "cookie" }, false, state.request);
        else await revokeFamilies(db, { ids: [token.familyId] }, "logout");
      },
    },
    callbacks: {
      ...edge.callbacks,
      // The sign-in's token family (opened by the signIn callback): its id rides in the session
      // cookie, and logout, "sign out everywhere" and back-channel logout revoke it.
      async jwt(params) {
        const token = await edge.callbacks!.jwt!(params);
        if (params.trigger === "signIn") {
          if (!token || !state.attempt.familyId) return null;
          token.familyId = state.attempt.familyId;
          return token;
        }
        // Anything else that re-encodes the cookie (Auth.js's session endpoint, `update`) may
        // never carry a session past its absolute lifetime: null clears the cookie.
        if (!token || typeof token.authTime !== "number" || token.authTime + absoluteLifetimeSeconds <= Date.now() / 1000) return null;
        return token;
      },
      // Runs before Auth.js looks the account up to sign the user in, so Auth.js finds the
      // row we wrote and never takes its own create-user path (refused above). A refusal (email conflict, disabled account) is thrown with its code, for
      // the callback to explain (lib/sign-in/classify-sign-in-error.ts). `profile` is
      // the verified ID token's claims, which the role rules read.
      async signIn({ account, profile }) {
        if (!account || account.type !== "oidc") return false;
        const email = verifiedEmail(profile);
        const oidcSignIn = {
          // Auth.js names every connection's provider "oidc"; the account key is the connection's.
          provider: connection.id,
          organisationId: connection.organisationId,
          subject: account.providerAccountId,
          email,
          // Granting admin by email (INITIAL_ADMIN_EMAILS) asks more: the IdP must say it verified it.
          emailVerified: email !== null,
          name: typeof profile?.name === "string" ? profile.name : null,
          tokens: account,
        };
        state.attempt.claimed = { provider: oidcSignIn.provider, organisationId: oidcSignIn.organisationId, subject: oidcSignIn.subject, email: oidcSignIn.email };
        // Before any write: an IdP asserting an email of a domain it was not given creates no one.
        const domainRule = await signInEmailAllowed(db, connection, email);
        if (!domainRule.ok) throw new SignInRefusal({ code: domainRule.code });
        // One transaction: the user and account, and the sign-in's token family.
        const { user, created, also: family } = await upsertUserFromOidcProfile(db, oidcSignIn, signInRoleRules(connection, profile ?? {}, state.request), (tx, user) => createBrowserFamily(tx, {
          userId: user.id,
          connectionId: connection.id,
          idpSubject: account.providerAccountId,
          idpSessionId: typeof profile?.sid === "string" ? profile.sid : null,
          idToken: account.id_token ?? null,
          idpRefreshToken: account.refresh_token ?? null,
          idpAccessTokenExpiresAt: account.expires_at ? new Date(account.expires_at * 1000) : null,
          expiresAt: new Date(Date.now() + absoluteLifetimeSeconds * 1000),
          ipAddress: state.request.ipAddress ?? null,
          userAgent: state.request.userAgent?.slice(0, 512) ?? null,
        }));
        Object.assign(state.attempt, { userId: user.id, created, familyId: family?.id });
        return true;
      },
    },
  };
}

const nextAuth = NextAuth((request) => {
  const env = getEnv();
  return buildAuthJsConfigWithDatabase(env, { request: request ? auditRequestOf(request, env) : {}, attempt: {} });
});

/** Auth.js's own endpoints (lib/access/current-session.ts decides the session for pages). */
export const { handlers } = nextAuth;
