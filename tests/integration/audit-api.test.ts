import { randomUUID } from "node:crypto";
import { exportJWK, generateKeyPair } from "jose";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createDb } from "@/lib/db";
import { upsertUserFromOidcProfile } from "@/lib/users/upsert-user-from-oidc-profile";

// The route reads the process configuration, as in production.
const { privateKey } = await generateKeyPair("ES256", { extractable: true });
process.env.AUTH_SECRET = "audit-api-secret-0123456789abcdefghijklmnop";
process.env.API_TOKEN_SIGNING_KEY = JSON.stringify({ ...(await exportJWK(privateKey)), kid: "audit-api" });
process.env.DATABASE_URL = inject("databaseUrl");
process.env.DATABASE_POOL_MAX = String(inject("poolMax"));

const db = createDb(inject("databaseUrl"), inject("poolMax"));
let GET: (request: NextRequest, context: { params: Promise<Record<string, string>> }) => Promise<Response>;
let bearer: { admin: string; viewer: string };
let adminId: string;

/** A user with a browser sign-in and an API token minted from it: the Bearer a script would send. */
async function tokenFor(role: "admin" | "viewer") {
  const { createApiTokens } = await import("@/lib/sessions/api-tokens");
  const { createBrowserFamily } = await import("@/lib/sessions/token-families");
  const { getEnv } = await import("@/lib/config/env");
  const { user } = await upsertUserFromOidcProfile(db, { provider: "oidc", organisationId: "operator", subject: `sub-${randomUUID()}`, email: `${randomUUID()}@example.test`, name: null });
  await db.user.update({ where: { id: user.id }, data: { role } });
  const family = await createBrowserFamily(db, { userId: user.id, connectionId: "oidc", idpSubject: "s", idpSessionId: null, idToken: null, expiresAt: new Date(Date.now() + 3_600_000) });
  const tokens = await createApiTokens(db, getEnv(), { userId: user.id, role, familyId: family.id, via: "cookie", email: user.email, name: null, expiresAt: 0 });
  return { userId: user.id, token: tokens.access_token };
}

beforeAll(async () => {
  ({ GET } = await import("@/app/api/audit/route"));
  const admin = await tokenFor("admin");
  const viewer = await tokenFor("viewer");
  bearer = { admin: admin.token, viewer: viewer.token };
  adminId = admin.userId;
});

afterAll(async () => {
  await db.$disconnect();
  const { getDb } = await import("@/lib/db");
  await getDb().$disconnect();
});

const call = (query: string, token?: string) =>
  GET(new NextRequest(`http://localhost:3000/api/audit${query}`, { headers: token ? { authorization: `Bearer ${token}` } : {} }), { params: Promise.resolve({}) });

describe("GET /api/audit", () => {
  it("gives an admin a page of events as JSON, filtered, with the cursor to the next", async () => {
    // Minting the admin's token was itself recorded.
    const response = await call(`?user=${adminId}&action=api_token_minted&limit=1`, bearer.admin);
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    const body = await response.json();
    expect(body).toEqual({
      events: [
        expect.objectContaining({ action: "api_token_minted", actor: adminId, targetUserId: adminId, createdAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T.*Z$/) }),
      ],
      nextCursor: null,
    });
  });

  it("refuses a viewer with 403 JSON, and a caller without credentials with 401", async () => {
    const viewer = await call("", bearer.viewer);
    expect(viewer.status).toBe(403);
    expect(await viewer.json()).toMatchObject({ error: "forbidden" });
    const anonymous = await call("");
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ error: "missing_token" });
  });

  it.each([
    ["?cursor=bogus", "invalid_cursor"],
    ["?action=deleted_everything", "invalid_action"],
    ["?from=last-week", "invalid_date"],
    ["?from=2026-11-28&to=2026-11-01", "invalid_time_range"],
    ["?limit=1000", "invalid_limit"],
  ])("answers %s with 400 %s", async (query, code) => {
    const response = await call(query, bearer.admin);
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: code, message: expect.any(String) });
  });
});
