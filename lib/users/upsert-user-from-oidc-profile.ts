import "server-only";
import { Prisma, type User } from "@prisma/client";
import { recordAuditEvent, type AuditEventInput } from "../audit/audit-events";
import { DEFAULT_ROLE, type Role } from "../roles/roles";
import type { Db } from "../db";
import { utcTimestamp } from "../sql-timestamp";
import { isUniqueViolation } from "../unique-violation";

export type OidcSignIn = {
  /** The connection's account key ("oidc" for the environment's, else its id); the account key is (provider, subject). */
  provider: string;
  /** The connection's organisation: a new user joins it; emails are unique within it. */
  organisationId: string;
  subject: string;
  email: string | null;
  /** Only an email the IdP asserts `email_verified: true` for can make its user an initial admin. */
  emailVerified?: boolean;
  name: string | null;
  /** What the IdP returned at the token endpoint, kept for refresh and logout. */
  tokens?: {
    access_token?: string | null;
    refresh_token?: string | null;
    id_token?: string | null;
    expires_at?: number | null;
    token_type?: string | null;
    scope?: string | null;
    session_state?: string | null;
  };
};

/** Where a sign-in's role comes from, besides the role the user already has. */
export type SignInRoleRules = {
  /** INITIAL_ADMIN_EMAILS, lowercase: a user created with one of these, verified, starts as admin. */
  initialAdminEmails: readonly string[];
  /** The role the IdP's claims map to (OIDC_ROLE_CLAIM, OIDC_ROLE_MAP), set at every sign-in; null when roles are managed in the console. */
  idpRole: Role | null;
  /** The sign-in's request, for the audit events of the role changes it makes. */
  request?: AuditEventInput["request"];
};

const NO_ROLE_RULES: SignInRoleRules = { initialAdminEmails: [], idpRole: null };

type RoleSource = "idp_mapping" | "initial_admin";

/** A new user's role and why: the IdP's mapping wins over INITIAL_ADMIN_EMAILS; neither, the default. */
function roleOfNewUser(signIn: OidcSignIn, rules: SignInRoleRules): { role: Role; source: RoleSource } | null {
  if (rules.idpRole !== null) return { role: rules.idpRole, source: "idp_mapping" };
  const listed = signIn.email !== null && signIn.emailVerified === true && rules.initialAdminEmails.includes(signIn.email.toLowerCase());
  return listed ? { role: "admin", source: "initial_admin" } : null;
}

type Transaction = Prisma.TransactionClient;

/**
 * Inside the sign-in's transaction on purpose: a role change and its record commit together
 * or not at all, so no one gains or loses a role unrecorded. If the event cannot be written
 * the sign-in fails (server_error, "could not be recorded"); only sign-ins that change a role
 * write one, so an audit outage never locks out anyone else. (recordAuditEventOrLog cannot
 * be used in a transaction: PostgreSQL aborts the transaction at the failed insert.)
 */
function recordRoleChange(tx: Transaction, user: Pick<User, "id" | "organisationId">, from: Role, to: Role, source: RoleSource, request: SignInRoleRules["request"]) {
  return recordAuditEvent(tx, { actor: "system", action: "role_changed", targetUserId: user.id, organisationId: user.organisationId, detail: { from, to, source }, request });
}

/**
 * The role the IdP's claims map to (OIDC_ROLE_CLAIM, OIDC_ROLE_MAP), applied to a user whose
 * row this transaction has locked, with its audit event: at every sign-in, and at every renewal
 * of one with the IdP (sessions/idp-session-renewal.ts). Answers the user as it now is.
 */
export async function applyIdpMappedRole(tx: Transaction, user: User, role: Role, request?: SignInRoleRules["request"]): Promise<User> {
  if (role === user.role) return user;
  // The version moves: an administrator's edit based on the old role is a conflict.
  const updated = await tx.user.update({ where: { id: user.id }, data: { role, version: { increment: 1 } } });
  await recordRoleChange(tx, user, user.role, updated.role, "idp_mapping", request);
  return updated;
}

/** A different subject already owns this email: we never merge accounts silently. */
export class AccountConflictError extends Error {
  readonly code = "account_conflict";
  constructor() {
    super("The email address of this sign-in already belongs to another user of this console.");
    this.name = "AccountConflictError";
  }
}

/** An administrator disabled this user: they may not sign in, and nothing of theirs is updated. */
export class AccountDisabledError extends Error {
  readonly code = "account_disabled";
  constructor() {
    super("This user of the console is disabled.");
    this.name = "AccountDisabledError";
  }
}

const MAX_ATTEMPTS = 3;


/**
 * The account's record of the IdP's answer. Never its access, refresh or ID token: nothing
 * reads them from here (the sign-in's token family keeps the refresh and ID tokens that
 * renewal and logout need), and a credential stored twice is a credential leaked twice.
 */
function tokenColumns(tokens: OidcSignIn["tokens"]) {
  if (!tokens) return {};
  return {
    access_token: null,
    refresh_token: null,
    id_token: null,
    expires_at: tokens.expires_at ?? null,
    token_type: tokens.token_type ?? null,
    scope: tokens.scope ?? null,
    session_state: tokens.session_state ?? null,
  };
}

/** The user's columns as Prisma reads them (the role as text, as Prisma maps the enum). */
const USER_COLUMNS = Prisma.sql`u.id, u."organisationId", u.name, u.email, u."emailVerified", u.image, u.role::text AS role, u."createdAt", u."updatedAt", u."lastLoginAt", u."disabledAt", u.version, u."scimUserName", u."scimUserNameLower", u."scimExternalId", u."scimAttributes", u."provisionedAt"`;

/**
 * A returning user's claims (email, name, lastLoginAt) and their account's record of the
 * IdP's answer, written in one statement (a sign-in's cost is mostly its round trips); null
 * when the account does not exist yet. The update takes the user's row lock and answers the
 * row as committed by whichever concurrent sign-in held it before, so a role change is made
 * and recorded once. An email another user holds is not taken over: `emailTaken` says so.
 */
async function refreshClaims(tx: Transaction, signIn: OidcSignIn, now: Date): Promise<{ user: User; emailTaken: boolean } | null> {
  const tokens = tokenColumns(signIn.tokens);
  const keep = signIn.tokens === undefined;
  const taken = Prisma.sql`EXISTS (SELECT 1 FROM "User" other WHERE other."organisationId" = u."organisationId" AND other.email = ${signIn.email}::text AND other.id <> u.id)`;
  const [row] = await tx.$queryRaw<(User & { emailTaken: boolean })[]>`
    WITH account AS (
      UPDATE "Account" SET
        access_token = NULL, refresh_token = NULL, id_token = NULL,
        expires_at = CASE WHEN ${keep} THEN expires_at ELSE ${tokens.expires_at ?? null}::integer END,
        token_type = CASE WHEN ${keep} THEN token_type ELSE ${tokens.token_type ?? null}::text END,
        scope = CASE WHEN ${keep} THEN scope ELSE ${tokens.scope ?? null}::text END,
        session_state = CASE WHEN ${keep} THEN session_state ELSE ${tokens.session_state ?? null}::text END,
        "updatedAt" = ${utcTimestamp(now)}
      WHERE provider = ${signIn.provider} AND "providerAccountId" = ${signIn.subject}
      RETURNING "userId"
    )
    UPDATE "User" u SET email = CASE WHEN ${taken} THEN u.email ELSE ${signIn.email}::text END,
      name = ${signIn.name}::text, "lastLoginAt" = ${utcTimestamp(now)}, "updatedAt" = ${utcTimestamp(now)}
    FROM account WHERE u.id = account."userId"
    RETURNING ${USER_COLUMNS}, ${taken} AS "emailTaken"`;
  if (!row) return null;
  const { emailTaken, ...user } = row;
  return { user, emailTaken };
}

/** The user an IdP account belongs to, or null (what Auth.js's adapter method getUserByAccount answers). */
export async function findUserByAccount(db: Db, account: { provider: string; providerAccountId: string }): Promise<(User & { role: Role }) | null> {
  const [user] = await db.$queryRaw<User[]>`
    SELECT ${USER_COLUMNS}
    FROM "Account" a JOIN "User" u ON u.id = a."userId"
    WHERE a.provider = ${account.provider} AND a."providerAccountId" = ${account.providerAccountId}`;
  return user ?? null;
}

/** The sign-in's rules, inside its transaction (see upsertUserFromOidcProfile). */
async function applySignInRules(tx: Transaction, signIn: OidcSignIn, rules: SignInRoleRules, now: Date): Promise<{ user: User; created: boolean }> {
  const returning = await refreshClaims(tx, signIn, now);
  if (returning) {
    // Refused after the write on purpose: the transaction rolls back, so nothing of theirs changes.
    if (returning.user.disabledAt) throw new AccountDisabledError();
    if (returning.emailTaken) throw new AccountConflictError();
    const user = rules.idpRole !== null ? await applyIdpMappedRole(tx, returning.user, rules.idpRole, rules.request) : returning.user;
    return { user, created: false };
  }
  // A first sign-in. A concurrent first sign-in of this subject commits its user and account
  // together: this read misses both or sees the email taken, and at worst the create below
  // meets a unique violation, which retries and then finds the account.
  const key = { provider: signIn.provider, providerAccountId: signIn.subject };
  const owner = signIn.email ? await tx.user.findUnique({ where: { organisationId_email: { organisationId: signIn.organisationId, email: signIn.email } }, select: { id: true, scimUserNameLower: true, disabledAt: true } }) : null;
  if (owner) {
    // The one rule linking a person to the user their directory provisioned (SCIM, which has no
    // IdP subject to give): the email the IdP verified, in the user's organisation. Anyone else
    // with the email is another person (account conflict); a deprovisioned user stays disabled.
    if (owner.scimUserNameLower === null || signIn.emailVerified !== true) throw new AccountConflictError();
    if (owner.disabledAt) throw new AccountDisabledError();
    await tx.account.create({ data: { type: "oidc", userId: owner.id, ...key, ...tokenColumns(signIn.tokens) } });
    const linked = await tx.user.update({ where: { id: owner.id }, data: { lastLoginAt: now } });
    const user = rules.idpRole !== null ? await applyIdpMappedRole(tx, linked, rules.idpRole, rules.request) : linked;
    return { user, created: false };
  }
  const assigned = roleOfNewUser(signIn, rules);
  const user = await tx.user.create({
    data: {
      organisationId: signIn.organisationId,
      email: signIn.email,
      name: signIn.name,
      lastLoginAt: now,
      ...(assigned && { role: assigned.role }),
      accounts: { create: { type: "oidc", ...key, ...tokenColumns(signIn.tokens) } },
    },
  });
  if (assigned && assigned.role !== DEFAULT_ROLE) await recordRoleChange(tx, user, DEFAULT_ROLE, assigned.role, assigned.source, rules.request);
  return { user, created: true };
}

/**
 * The first sign-in of a subject creates its user and account in one transaction; every
 * later one refreshes email, name and lastLoginAt from the IdP's claims. The role: viewer,
 * or admin at creation for INITIAL_ADMIN_EMAILS; when the IdP manages roles, its mapped role
 * at every sign-in, creation included. Each role change is an audit event (role_changed).
 * `alsoInTransaction` does more in the same transaction, with the user signed in: the sign-in
 * opens its token family there (sessions/), so a user is never signed in without one.
 *
 * One implementation of the rules (disabled user, email conflict, initial admin, role from
 * the IdP), in one transaction that reads before it writes (applySignInRules). Concurrent
 * first sign-ins of one subject race on the account's primary key (and the email's unique
 * index): the losers' transactions roll back whole, then retry and find the winner's rows,
 * so one subject never yields two users, even when the IdP sends no email.
 */
export async function upsertUserFromOidcProfile<Also = undefined>(
  db: Db,
  signIn: OidcSignIn,
  rules: SignInRoleRules = NO_ROLE_RULES,
  alsoInTransaction?: (tx: Transaction, user: User) => Promise<Also>,
): Promise<{ user: User; created: boolean; also: Also | undefined }> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.$transaction(async (tx) => {
        const result = await applySignInRules(tx, signIn, rules, new Date());
        return { ...result, also: alsoInTransaction ? await alsoInTransaction(tx, result.user) : undefined };
      });
    } catch (error) {
      if (isUniqueViolation(error) && attempt < MAX_ATTEMPTS) continue;
      throw error;
    }
  }
}
