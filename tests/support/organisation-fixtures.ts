import { randomUUID } from "node:crypto";
import { NextRequest } from "next/server";
import type { Role } from "@prisma/client";
import type { Db } from "@/lib/db";
import { OPERATOR_ORGANISATION_ID } from "@/lib/organisations/operator-organisation";
import { upsertUserFromOidcProfile } from "@/lib/users/upsert-user-from-oidc-profile";
import { RUN, browserSignIn } from "./user-fixtures";

export type Member = { id: string; email: string; organisationId: string; version: number };
export type Organisation = { id: string; slug: string };

/** An organisation of this run (slug `label-RUN`), as `npm run orgs -- create` makes one. */
export function newOrganisation(db: Db, label: string): Promise<Organisation> {
  return db.organisation.create({ data: { slug: `${label}-${RUN}`, name: `Organisation ${label}` }, select: { id: true, slug: true } });
}

/** A user of `organisationId` as their first sign-in through its connection makes them, then given `role`. Names start with `Scope<RUN>`. */
export async function memberOf(db: Db, organisationId: string, label: string, role: Role = "viewer"): Promise<Member> {
  const { user } = await upsertUserFromOidcProfile(db, {
    provider: `connection-${organisationId}`,
    organisationId,
    subject: `sub-${randomUUID()}`,
    email: `${label}-${RUN}@${organisationId}.test`,
    name: `Scope${RUN} ${label}`,
  });
  return db.user.update({ where: { id: user.id }, data: { role }, select: { id: true, email: true, organisationId: true, version: true } }) as Promise<Member>;
}

/**
 * Organisations A and B, each with an admin and a viewer (A's viewer signed in twice), and an
 * admin of the operator organisation, each admin with an API token (the Bearer the API takes).
 * Call after configureProcess: the tokens are minted with the process configuration.
 */
export async function twoOrganisations(db: Db) {
  const { createApiTokens } = await import("@/lib/sessions/api-tokens");
  const { getEnv } = await import("@/lib/config/env");
  const tokenOf = async (admin: Member) => {
    const signIn = await browserSignIn(db, admin.id);
    const identity = { userId: admin.id, role: "admin" as const, familyId: signIn.id, via: "cookie" as const, email: admin.email, name: null, expiresAt: 0 };
    return (await createApiTokens(db, getEnv(), identity)).access_token;
  };
  const [a, b] = [await newOrganisation(db, "org-a"), await newOrganisation(db, "org-b")];
  const admins = { a: await memberOf(db, a.id, "admin-a", "admin"), b: await memberOf(db, b.id, "admin-b", "admin"), operator: await memberOf(db, OPERATOR_ORGANISATION_ID, "operator-admin", "admin") };
  const viewers = { a: await memberOf(db, a.id, "viewer-a"), b: await memberOf(db, b.id, "viewer-b") };
  const sessionsOfViewerA = [(await browserSignIn(db, viewers.a.id)).id, (await browserSignIn(db, viewers.a.id)).id];
  const tokens = { a: await tokenOf(admins.a), b: await tokenOf(admins.b), operator: await tokenOf(admins.operator) };
  return { a, b, admins, viewers, sessionsOfViewerA, tokens };
}

/** A request to a route handler, with the Bearer token. */
export function apiRequest(path: string, token: string, init: { method?: string; body?: string } = {}) {
  return new NextRequest(`http://localhost:3000${path}`, {
    method: init.method ?? "GET",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: init.body,
  });
}

/** A route handler's context with these params. */
export const routeParams = <Params extends Record<string, string>>(params: Params) => ({ params: Promise.resolve(params) });

/** A configuration for calling organisation administration directly: a sealing key of its own (connections' secrets). */
export async function organisationAdminEnv() {
  const { randomBytes } = await import("node:crypto");
  const { loadEnv } = await import("@/lib/config/env");
  return loadEnv({ AUTH_SECRET: "integration-secret-0123456789abcdefghijklmnop", API_TOKEN_SIGNING_KEY: "{}", CONNECTION_SECRET_KEY: randomBytes(32).toString("base64") });
}
