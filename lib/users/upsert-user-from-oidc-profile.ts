import { randomUUID } from "node:crypto";
import { Prisma, type User } from "@prisma/client";
import { recordAuditEvent, type AuditEventInput } from "../audit/audit-events";
import { DEFAULT_ROLE, type Role } from "../auth/edge/roles";
import type { Db } from "../db";

export type OidcSignIn = {
  /** The Auth.js provider id; the account key is (provider, subject). */
  provider: string;
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
function recordRoleChange(tx: Transaction, userId: string, from: Role, to: Role, source: RoleSource, request: SignInRoleRules["request"]) {
  return recordAuditEvent(tx, { actor: "system", action: "role_changed", targetUserId: userId, detail: { from, to, source }, request });
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
  await recordRoleChange(tx, user.id, user.role, updated.role, "idp_mapping", request);
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

/** A unique index refused a write (Prisma's P2002; raw SQL reports PostgreSQL's 23505 as P2010). */
function isUniqueViolation(error: unknown): boolean {
  if (!(error instanceof Prisma.PrismaClientKnownRequestError)) return false;
  return error.code === "P2002" || (error.code === "P2010" && JSON.stringify(error.meta ?? {}).includes("23505"));
}

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

/** A browser sign-in's token family (sessions/token-families.ts), opened with the user it belongs to. */
export type NewBrowserFamily = Omit<Prisma.TokenFamilyUncheckedCreateInput, "id" | "kind" | "userId" | "parentId" | "createdAt" | "revokedAt" | "revokedReason" | "lastUsedAt"> & { expiresAt: Date };

/**
 * A returning user's sign-in in one statement, so one round trip and its own transaction:
 * the account's tokens and the user's claims refreshed (the user's row locked), and the
 * sign-in's token family inserted — or no row, when anything calls for the careful path below
 * (no such account yet, the user disabled, the email now another user's, or a role the IdP maps
 * differently from the one they have, which must be recorded). This is every sign-in but a
 * user's first.
 */
/** A timestamp as the columns hold it: UTC without a zone (Prisma's own convention), whatever the server's time zone. */
const utc = (date: Date) => Prisma.sql`(${date.toISOString()}::timestamptz AT TIME ZONE 'UTC')`;
const utcOrNull = (date: Date | string | null | undefined) => (date ? utc(new Date(date)) : Prisma.sql`NULL::timestamp`);

async function refreshReturningUser(db: Db | Transaction, signIn: OidcSignIn, rules: SignInRoleRules, now: Date, family: NewBrowserFamily | undefined): Promise<(User & { familyId: string | null }) | null> {
  const tokens = tokenColumns(signIn.tokens);
  const keep = signIn.tokens === undefined;
  const familyId = randomUUID();
  const openFamily = family
    ? Prisma.sql`, family AS (
        INSERT INTO "TokenFamily" (id, kind, "userId", "idpSubject", "idpSessionId", "idToken", "idpRefreshToken", "idpAccessTokenExpiresAt", "expiresAt", "ipAddress", "userAgent", "createdAt")
        SELECT ${familyId}, 'browser', id, ${family.idpSubject ?? null}::text, ${family.idpSessionId ?? null}::text, ${family.idToken ?? null}::text,
          ${family.idpRefreshToken ?? null}::text, ${utcOrNull(family.idpAccessTokenExpiresAt)}, ${utc(family.expiresAt)},
          ${family.ipAddress ?? null}::text, ${family.userAgent ?? null}::text, ${utc(now)}
        FROM refreshed RETURNING id
      )`
    : Prisma.empty;
  const rows = await db.$queryRaw<(User & { familyId: string | null })[]>`
    WITH target AS (
      SELECT u.id FROM "Account" a JOIN "User" u ON u.id = a."userId"
      WHERE a.provider = ${signIn.provider} AND a."providerAccountId" = ${signIn.subject}
        AND u."disabledAt" IS NULL
        AND (${rules.idpRole}::text IS NULL OR u.role::text = ${rules.idpRole}::text)
        AND (${signIn.email}::text IS NULL OR NOT EXISTS (SELECT 1 FROM "User" other WHERE other.email = ${signIn.email}::text AND other.id <> u.id))
      FOR UPDATE OF u
    ), account AS (
      UPDATE "Account" SET
        access_token = NULL, refresh_token = NULL, id_token = NULL,
        expires_at = CASE WHEN ${keep} THEN expires_at ELSE ${tokens.expires_at ?? null}::integer END,
        token_type = CASE WHEN ${keep} THEN token_type ELSE ${tokens.token_type ?? null}::text END,
        scope = CASE WHEN ${keep} THEN scope ELSE ${tokens.scope ?? null}::text END,
        session_state = CASE WHEN ${keep} THEN session_state ELSE ${tokens.session_state ?? null}::text END,
        "updatedAt" = ${utc(now)}
      WHERE provider = ${signIn.provider} AND "providerAccountId" = ${signIn.subject} AND "userId" IN (SELECT id FROM target)
      RETURNING "userId"
    ), refreshed AS (
      UPDATE "User" SET email = ${signIn.email}::text, name = ${signIn.name}::text, "lastLoginAt" = ${utc(now)}, "updatedAt" = ${utc(now)}
      FROM account WHERE "User".id = account."userId"
      RETURNING "User".*
    )${openFamily}
    SELECT refreshed.*, ${family ? Prisma.sql`(SELECT id FROM family)` : Prisma.sql`NULL::text`} AS "familyId" FROM refreshed`;
  return rows[0] ?? null;
}

/** Everything else a sign-in may have to do, read step by step (see upsertUserFromOidcProfile). */
async function upsertCarefully(tx: Transaction, signIn: OidcSignIn, rules: SignInRoleRules, now: Date): Promise<{ user: User; created: boolean }> {
  const key = { provider: signIn.provider, providerAccountId: signIn.subject };
  // The email's owner is read before the account, not after: each read sees what was
  // committed when it ran, and a concurrent first sign-in of this subject commits its
  // user and account together. Read the other way round, the account could be missed
  // and the user it belongs to seen a moment later: a false account_conflict. This way
  // a missed owner is at worst a unique violation below, which retries.
  const owner = signIn.email ? await tx.user.findUnique({ where: { email: signIn.email }, select: { id: true } }) : null;
  const account = await tx.account.findUnique({ where: { provider_providerAccountId: key }, include: { user: { select: { disabledAt: true } } } });
  if (account?.user.disabledAt) throw new AccountDisabledError();
  if (owner && owner.id !== account?.userId) throw new AccountConflictError();
  if (account) {
    // This update takes the row's lock and returns the role as committed by whichever
    // concurrent sign-in of this user held it before: a role change is made and recorded once.
    let user = await tx.user.update({
      where: { id: account.userId },
      data: { email: signIn.email, name: signIn.name, lastLoginAt: now },
    });
    if (rules.idpRole !== null) user = await applyIdpMappedRole(tx, user, rules.idpRole, rules.request);
    if (signIn.tokens) {
      await tx.account.update({ where: { provider_providerAccountId: key }, data: tokenColumns(signIn.tokens) });
    }
    return { user, created: false };
  }
  const assigned = roleOfNewUser(signIn, rules);
  const user = await tx.user.create({
    data: {
      email: signIn.email,
      name: signIn.name,
      lastLoginAt: now,
      ...(assigned && { role: assigned.role }),
      accounts: { create: { type: "oidc", ...key, ...tokenColumns(signIn.tokens) } },
    },
  });
  if (assigned && assigned.role !== DEFAULT_ROLE) await recordRoleChange(tx, user.id, DEFAULT_ROLE, assigned.role, assigned.source, rules.request);
  return { user, created: true };
}

/**
 * The first sign-in of a subject creates its user and account in one transaction; every
 * later one refreshes email, name and lastLoginAt from the IdP's claims. The role: viewer,
 * or admin at creation for INITIAL_ADMIN_EMAILS; when the IdP manages roles, its mapped role
 * at every sign-in, creation included. Each role change is an audit event (role_changed).
 * With `family`, the sign-in's token family is opened in the same transaction.
 *
 * A returning user's sign-in is one statement (refreshReturningUser); the rest is a
 * transaction that reads before it writes (upsertCarefully). Concurrent first sign-ins of
 * one subject race on the account's primary key (and the email's unique index): the losers'
 * transactions roll back whole, then retry and find the winner's rows, so one subject never
 * yields two users, even when the IdP sends no email.
 */
export async function upsertUserFromOidcProfile(
  db: Db,
  signIn: OidcSignIn,
  rules: SignInRoleRules = NO_ROLE_RULES,
  family?: NewBrowserFamily,
): Promise<{ user: User; created: boolean; familyId: string | null }> {
  for (let attempt = 1; ; attempt++) {
    try {
      const returning = await refreshReturningUser(db, signIn, rules, new Date(), family);
      if (returning) {
        const { familyId, ...user } = returning;
        return { user, created: false, familyId };
      }
      return await db.$transaction(async (tx) => {
        const result = await upsertCarefully(tx, signIn, rules, new Date());
        const opened = family ? await tx.tokenFamily.create({ data: { kind: "browser", userId: result.user.id, ...family }, select: { id: true } }) : null;
        return { ...result, familyId: opened?.id ?? null };
      });
    } catch (error) {
      if (isUniqueViolation(error) && attempt < MAX_ATTEMPTS) continue;
      throw error;
    }
  }
}
