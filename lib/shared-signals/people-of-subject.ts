import "server-only";
import type { Db } from "../db";
import type { Connection } from "../organisations/connection";
import { sameIssuer } from "../oidc/identity-provider";
import type { SubjectIdentifier } from "./subject-identifier";

export type PeopleOfSubject = { ok: true; userIds: string[] } | { ok: false; description: string };

/**
 * The users of the connection's organisation a subject identifier names: by the IdP's subject
 * (iss_sub, whose iss must be the connection's issuer; opaque, taken as the IdP's subject) as
 * the connection's sign-ins recorded it, or by email among the users who sign in through this
 * connection (every one with that address: the IdP says that address's holder is done). Never
 * anyone of another organisation, nor of another connection.
 */
export async function peopleOfSubject(db: Db, connection: Pick<Connection, "id" | "organisationId" | "issuer">, subject: SubjectIdentifier): Promise<PeopleOfSubject> {
  if (subject.format === "email") {
    // Only people who sign in through this connection: another connection's IdP (a partner's)
    // has no say over the organisation's other users, its admins made by the CLI included.
    const users = await db.user.findMany({
      where: { organisationId: connection.organisationId, email: { equals: subject.email, mode: "insensitive" }, accounts: { some: { provider: connection.id } } },
      select: { id: true },
      take: 20,
    });
    return { ok: true, userIds: users.map((user) => user.id) };
  }
  if (subject.format === "iss_sub" && !sameIssuer(subject.iss, connection.issuer)) return { ok: false, description: "the subject's iss is not the issuer of this connection's identity provider" };
  const sub = subject.format === "iss_sub" ? subject.sub : subject.id;
  const account = await db.account.findUnique({ where: { provider_providerAccountId: { provider: connection.id, providerAccountId: sub } }, select: { user: { select: { id: true, organisationId: true } } } });
  return { ok: true, userIds: account && account.user.organisationId === connection.organisationId ? [account.user.id] : [] };
}
