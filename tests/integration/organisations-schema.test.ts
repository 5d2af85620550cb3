import { randomUUID } from "node:crypto";
import { Prisma } from "@prisma/client";
import { afterAll, describe, expect, inject, it } from "vitest";
import { createDb } from "@/lib/db";
import { OPERATOR_ORGANISATION_ID } from "@/lib/organisations/operator-organisation";
import { AccountConflictError, upsertUserFromOidcProfile } from "@/lib/users/upsert-user-from-oidc-profile";

const db = createDb(inject("databaseUrl"), inject("poolMax"));
const RUN = randomUUID().slice(0, 8);

afterAll(async () => {
  // Gone again: the end-to-end suites share the database (a connection left behind would put the email step on their sign-in page).
  await db.user.deleteMany({ where: { organisation: { slug: { contains: `-${RUN}-` } } } });
  await db.organisation.deleteMany({ where: { slug: { contains: `-${RUN}-` } } });
  await db.$disconnect();
});

function organisation(label: string) {
  return db.organisation.create({ data: { slug: `${label}-${RUN}-${randomUUID().slice(0, 4)}`, name: `Org ${label}` } });
}

async function refusedByUniqueIndex(write: Promise<unknown>): Promise<boolean> {
  try {
    await write;
    return false;
  } catch (error) {
    return error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002";
  }
}

describe("organisations in the schema", () => {
  it("the migration made the operator organisation, and every user without one belongs to it", async () => {
    const operator = await db.organisation.findUniqueOrThrow({ where: { id: OPERATOR_ORGANISATION_ID } });
    expect(operator.isOperator).toBe(true);
    const user = await db.user.create({ data: { email: `plain-${RUN}@example.test` } });
    expect(user.organisationId).toBe(OPERATOR_ORGANISATION_ID);
  });

  it("there is one operator organisation at most", async () => {
    expect(await refusedByUniqueIndex(db.organisation.create({ data: { slug: `second-operator-${RUN}`, name: "Impostor", isOperator: true } }))).toBe(true);
    expect(await db.organisation.count({ where: { isOperator: true } })).toBe(1);
  });

  it("one email is a user in each of two organisations, never two users in one", async () => {
    const [a, b] = [await organisation("a"), await organisation("b")];
    const email = `both-${RUN}@example.test`;
    const inA = await upsertUserFromOidcProfile(db, { provider: `conn-a-${RUN}`, organisationId: a.id, subject: "alice", email, name: "Alice" });
    const inB = await upsertUserFromOidcProfile(db, { provider: `conn-b-${RUN}`, organisationId: b.id, subject: "alice", email, name: "Alice" });
    expect(inA.created && inB.created).toBe(true);
    expect(inA.user.id).not.toBe(inB.user.id);
    expect([inA.user.organisationId, inB.user.organisationId]).toEqual([a.id, b.id]);
    // Another subject of A's IdP claiming the same email in A is the email conflict of today.
    await expect(upsertUserFromOidcProfile(db, { provider: `conn-a-${RUN}`, organisationId: a.id, subject: "mallory", email, name: null })).rejects.toBeInstanceOf(AccountConflictError);
    expect(await refusedByUniqueIndex(db.user.create({ data: { organisationId: a.id, email } }))).toBe(true);
  });

  it("a returning user's new email taken by someone else in their organisation is not taken over; in another organisation it is free", async () => {
    const [a, b] = [await organisation("c"), await organisation("d")];
    const email = `moving-${RUN}@example.test`;
    await upsertUserFromOidcProfile(db, { provider: `conn-b-${RUN}`, organisationId: b.id, subject: "holder", email, name: null });
    const first = await upsertUserFromOidcProfile(db, { provider: `conn-a-${RUN}`, organisationId: a.id, subject: "mover", email: `old-${RUN}@example.test`, name: null });
    const moved = await upsertUserFromOidcProfile(db, { provider: `conn-a-${RUN}`, organisationId: a.id, subject: "mover", email, name: null });
    expect(moved.user.id).toBe(first.user.id);
    expect(moved.user.email).toBe(email);
  });

  it("many organisations may claim a domain, one only may have it verified", async () => {
    const [a, b] = [await organisation("e"), await organisation("f")];
    const domain = `claimed-${RUN}.example`;
    await db.organisationDomain.create({ data: { organisationId: a.id, domain, verificationToken: "t-a", verifiedAt: new Date(), verifiedBy: "dns" } });
    const claim = await db.organisationDomain.create({ data: { organisationId: b.id, domain, verificationToken: "t-b" } });
    expect(await refusedByUniqueIndex(db.organisationDomain.update({ where: { id: claim.id }, data: { verifiedAt: new Date(), verifiedBy: "dns" } }))).toBe(true);
    expect(await refusedByUniqueIndex(db.organisationDomain.create({ data: { organisationId: a.id, domain, verificationToken: "again" } }))).toBe(true);
  });

  it("a connection is its issuer and client id: a second one with both is refused, another client of a shared issuer is not", async () => {
    const [a, b] = [await organisation("g"), await organisation("h")];
    const issuer = `https://accounts.example/${RUN}`;
    await db.connection.create({ data: { organisationId: a.id, displayName: "A", issuer, clientId: "client-a", clientSecretSealed: "v1.x" } });
    await db.connection.create({ data: { organisationId: b.id, displayName: "B", issuer, clientId: "client-b", clientSecretSealed: "v1.x" } });
    expect(await refusedByUniqueIndex(db.connection.create({ data: { organisationId: b.id, displayName: "B again", issuer, clientId: "client-a", clientSecretSealed: "v1.x" } }))).toBe(true);
  });
});
