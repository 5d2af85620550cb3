import "server-only";
import { recordAuditEventOrLog } from "../audit/audit-events";
import type { AuditRequest } from "../audit/audit-request";
import type { Db } from "../db";
import type { SignInFailure } from "../errors/sign-in-failures";

/**
 * What the Auth.js callbacks of one sign-in saw, filled in as they run, for the audit event
 * the callback writes once it knows how the sign-in ended.
 */
export type SignInAttempt = {
  /** The identity the IdP asserted (signIn callback), to name the user a refusal is about. */
  claimed?: { provider: string; organisationId: string; subject: string; email: string | null };
  /** The user signed in, and whether this sign-in created them (signIn callback). */
  userId?: string;
  created?: boolean;
  /** The sign-in's token family (jwt callback). */
  familyId?: string;
};

/** One request's audit context for Auth.js's callbacks: who is asking, and what happened so far. */
export type SignInState = { request: AuditRequest; attempt: SignInAttempt };

/**
 * The sign-in hot path never fails for the audit trail: these write with
 * recordAuditEventOrLog, so an event that cannot be written is logged loudly (as
 * `audit_event_lost`, with the same request id as the sign-in's own log lines) and the
 * person is signed in, or refused, exactly as without it.
 */
export async function recordSignInSucceeded(db: Db, attempt: SignInAttempt, request: AuditRequest): Promise<void> {
  await recordAuditEventOrLog(db, {
    actor: "system",
    action: "sign_in_succeeded",
    targetUserId: attempt.userId ?? null,
    organisationId: attempt.claimed?.organisationId ?? null,
    detail: { familyId: attempt.familyId ?? null, userCreated: attempt.created ?? false },
    request,
  });
}

/**
 * A refused sign-in, with its code and reason (bounded: an IdP's `error` is its own text).
 * It is about a user when the refusal names one: a disabled user, or the user who already
 * owns the email another IdP subject asserted (that subject goes in the detail).
 *
 * Recorded only when it is about a user or about a real sign-in in progress (`pending`: the
 * browser holds the check cookies this app sealed). Anyone can send a callback with no
 * cookies; those refusals are logged and counted (refuse-sign-in.ts), never written to a
 * trail kept for a year, which would otherwise grow at the rate limit's pace per address.
 */
export async function recordSignInRefused(db: Db, failure: SignInFailure, attempt: SignInAttempt, request: AuditRequest, pending: boolean): Promise<void> {
  const targetUserId = await refusedUserOf(db, failure, attempt).catch(() => null);
  if (!targetUserId && !pending) return;
  const detail: Record<string, string> = { code: failure.code };
  if (failure.reason) detail.reason = failure.reason.slice(0, 64);
  if (failure.code === "account_conflict" && attempt.claimed) detail.idpSubject = attempt.claimed.subject.slice(0, 255);
  // The organisation of the connection the IdP asserted the identity to; none before that.
  await recordAuditEventOrLog(db, { actor: "system", action: "sign_in_refused", targetUserId, organisationId: attempt.claimed?.organisationId ?? null, detail, request });
}

async function refusedUserOf(db: Db, failure: SignInFailure, { claimed }: SignInAttempt): Promise<string | null> {
  if (!claimed) return null;
  if (failure.code === "account_disabled") {
    const account = await db.account.findUnique({ where: { provider_providerAccountId: { provider: claimed.provider, providerAccountId: claimed.subject } }, select: { userId: true } });
    return account?.userId ?? null;
  }
  if (failure.code === "account_conflict" && claimed.email) {
    return (await db.user.findUnique({ where: { organisationId_email: { organisationId: claimed.organisationId, email: claimed.email } }, select: { id: true } }))?.id ?? null;
  }
  return null;
}
