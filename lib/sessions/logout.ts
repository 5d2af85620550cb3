import "server-only";
import { recordAuditEventOrLog } from "../audit/audit-events";
import type { AuditRequest } from "../audit/audit-request";
import type { Db } from "../db";
import type { Env } from "../config/env";
import type { SessionIdentity } from "../credentials/session-cookie";
import { identityProviderOf } from "../oidc/identity-provider";
import { findConnection } from "../organisations/find-connection";
import { revokeFamilies } from "./revocation";

/**
 * Where to send the browser so the IdP it signed in at ends its session too (OpenID Connect
 * RP-Initiated Logout 1.0), or null when that IdP advertises no end_session_endpoint, cannot
 * be reached, or its connection is gone.
 */
async function buildIdpLogoutUrl(db: Db, env: Env, familyId: string): Promise<string | null> {
  let url: URL;
  let signIn;
  try {
    signIn = await browserSignInOf(db, familyId);
    const connection = signIn && (await findConnection(db, env, signIn.connectionId));
    if (!connection) return null;
    const endSession = (await identityProviderOf(connection, env).metadata()).end_session_endpoint;
    if (typeof endSession !== "string") return null;
    url = new URL(endSession);
    url.searchParams.set("client_id", connection.clientId);
  } catch {
    return null;
  }
  if (signIn?.idToken) url.searchParams.set("id_token_hint", signIn.idToken);
  url.searchParams.set("post_logout_redirect_uri", `${env.authUrl}/`);
  return url.toString();
}

/** The browser sign-in behind a family (an API family's parent): its ID token and its connection. */
async function browserSignInOf(db: Db, familyId: string): Promise<{ idToken: string | null; connectionId: string } | null> {
  const family = await db.tokenFamily.findUnique({
    where: { id: familyId },
    select: { idToken: true, connectionId: true, parent: { select: { idToken: true, connectionId: true } } },
  });
  if (!family) return null;
  return family.parent ? { idToken: family.parent.idToken, connectionId: family.parent.connectionId } : { idToken: family.idToken, connectionId: family.connectionId };
}

/**
 * Revokes a sign-in (or, `everywhere`, every sign-in of its user) with every API token created
 * from it, and puts it on the audit trail. The revocation is what protects the person: a lost
 * audit event is logged loudly (recordAuditEventOrLog), never a reason to leave them signed in.
 */
export async function endSignIn(
  db: Db,
  signIn: Pick<SessionIdentity, "userId" | "familyId" | "via">,
  everywhere: boolean,
  request: AuditRequest = {},
): Promise<number> {
  const revoked = await revokeFamilies(db, everywhere ? { userId: signIn.userId } : { ids: [signIn.familyId] }, everywhere ? "logout_everywhere" : "logout");
  const user = await db.user.findUnique({ where: { id: signIn.userId }, select: { organisationId: true } }).catch(() => null);
  await recordAuditEventOrLog(db, {
    actor: { userId: signIn.userId },
    action: everywhere ? "sign_out_everywhere" : "sign_out",
    targetUserId: signIn.userId,
    organisationId: user?.organisationId ?? null,
    detail: { familyId: signIn.familyId, via: signIn.via, revokedFamilies: revoked },
    request,
  });
  return revoked;
}

/**
 * Ends the caller's sign-in (or, `everywhere`, every sign-in of the user) and every API token
 * created from it, and says where to send a browser to sign out of the IdP too. A sign-in that
 * already ended may still log out, but only itself: nothing is revoked on its word, and
 * nothing is put on the audit trail (it ended, and was recorded, when it was revoked).
 * `request`: the caller's HTTP request, for the audit event.
 */
export async function logOut(
  db: Db,
  env: Env,
  caller: { identity: SessionIdentity; familyActive: boolean },
  everywhere: boolean,
  request: AuditRequest = {},
): Promise<{ logoutUrl: string | null }> {
  const { identity } = caller;
  if (caller.familyActive) await endSignIn(db, identity, everywhere, request);
  return { logoutUrl: identity.via === "cookie" ? await buildIdpLogoutUrl(db, env, identity.familyId) : null };
}
