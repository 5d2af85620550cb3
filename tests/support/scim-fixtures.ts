import { NextRequest } from "next/server";
import type { Db } from "@/lib/db";
import { newOrganisation, type Organisation } from "./organisation-fixtures";

/** Organisations A and B (slugs `label-a-RUN`, `label-b-RUN`), each with its directory's token. Call after configureProcess. */
export async function twoDirectories(db: Db, label: string): Promise<{ a: Organisation; b: Organisation; tokens: { a: string; b: string } }> {
  const { createDirectoryToken } = await import("@/lib/organisation-admin/directory-tokens");
  const [a, b] = [await newOrganisation(db, `${label}-a`), await newOrganisation(db, `${label}-b`)];
  const tokenOf = async (organisation: Organisation) => {
    const created = await createDirectoryToken(db, organisation.id, "Test directory", { actor: "cli" });
    if (!created.ok) throw new Error(created.message);
    return created.value.token;
  };
  return { a, b, tokens: { a: await tokenOf(a), b: await tokenOf(b) } };
}

/** The organisations of twoDirectories gone again, with their users (the database is shared with the other suites). */
export async function removeDirectories(db: Db, organisations: Organisation[]) {
  const ids = organisations.filter(Boolean).map((organisation) => organisation.id);
  await db.user.deleteMany({ where: { organisationId: { in: ids } } });
  await db.organisation.deleteMany({ where: { id: { in: ids } } });
}

/** A directory's request to a /scim/v2 route handler, with its bearer token (a body only where the method has one). */
export function scimRequest(path: string, token: string, method = "GET", body?: unknown) {
  return new NextRequest(`http://localhost:3000${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/scim+json" },
    body: body === undefined || method === "GET" || method === "DELETE" ? undefined : JSON.stringify(body),
  });
}
