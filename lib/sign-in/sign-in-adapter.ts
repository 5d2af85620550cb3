import "server-only";
import type { Adapter, AdapterUser } from "@auth/core/adapters";
import { PrismaAdapter } from "@auth/prisma-adapter";
import type { Db } from "../db";
import { findUserByAccount } from "../users/upsert-user-from-oidc-profile";

async function refuseAdapterWrite(): Promise<never> {
  throw new Error("Auth.js tried to create a user or link an account itself: only the signIn callback's rules may (lib/users/upsert-user-from-oidc-profile.ts).");
}

/**
 * Auth.js's Prisma adapter as the sign-in uses it. Users and accounts are created by the
 * sign-in's rules alone (the signIn callback: race-safe, and it applies the email-conflict,
 * disabled and role rules); Auth.js's own create path is none of those, so should it ever be
 * reached, the sign-in fails closed.
 */
export function signInAdapter(db: Db, connectionId: string): Adapter {
  return {
    ...PrismaAdapter(db),
    createUser: refuseAdapterWrite,
    linkAccount: refuseAdapterWrite,
    // The stock adapter's answer in one statement instead of two: Auth.js asks it twice per
    // sign-in, before and after the signIn callback. (Its type says every user has an email;
    // ours need not, as with the stock adapter.)
    // Auth.js asks for provider "oidc" whatever the connection: the account key is the connection's id.
    getUserByAccount: (account) => findUserByAccount(db, { provider: connectionId, providerAccountId: account.providerAccountId }) as Promise<AdapterUser | null>,
  };
}
