import { Prisma, type User } from "@prisma/client";
import type { Db } from "../db";

export type OidcSignIn = {
  /** The Auth.js provider id; the account key is (provider, subject). */
  provider: string;
  subject: string;
  email: string | null;
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

function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002";
}

function tokenColumns(tokens: OidcSignIn["tokens"]) {
  if (!tokens) return {};
  return {
    access_token: tokens.access_token ?? null,
    refresh_token: tokens.refresh_token ?? null,
    id_token: tokens.id_token ?? null,
    expires_at: tokens.expires_at ?? null,
    token_type: tokens.token_type ?? null,
    scope: tokens.scope ?? null,
    session_state: tokens.session_state ?? null,
  };
}

/**
 * The first sign-in of a subject creates its user (role viewer) and account in one
 * transaction; every later one refreshes email, name and lastLoginAt from the IdP's claims.
 *
 * Concurrent first sign-ins of one subject race on the account's primary key (and the
 * email's unique index): the losers' transactions roll back whole, then retry and find the
 * winner's rows, so one subject never yields two users, even when the IdP sends no email.
 */
export async function upsertUserFromOidcProfile(db: Db, signIn: OidcSignIn): Promise<{ user: User; created: boolean }> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.$transaction(async (tx) => {
        const now = new Date();
        const key = { provider: signIn.provider, providerAccountId: signIn.subject };
        const account = await tx.account.findUnique({ where: { provider_providerAccountId: key }, include: { user: { select: { disabledAt: true } } } });
        if (account?.user.disabledAt) throw new AccountDisabledError();
        if (signIn.email) {
          const owner = await tx.user.findUnique({ where: { email: signIn.email }, select: { id: true } });
          if (owner && owner.id !== account?.userId) throw new AccountConflictError();
        }
        if (account) {
          const user = await tx.user.update({
            where: { id: account.userId },
            data: { email: signIn.email, name: signIn.name, lastLoginAt: now },
          });
          if (signIn.tokens) {
            await tx.account.update({ where: { provider_providerAccountId: key }, data: tokenColumns(signIn.tokens) });
          }
          return { user, created: false };
        }
        const user = await tx.user.create({
          data: {
            email: signIn.email,
            name: signIn.name,
            lastLoginAt: now,
            accounts: { create: { type: "oidc", ...key, ...tokenColumns(signIn.tokens) } },
          },
        });
        return { user, created: true };
      });
    } catch (error) {
      if (isUniqueViolation(error) && attempt < MAX_ATTEMPTS) continue;
      throw error;
    }
  }
}
