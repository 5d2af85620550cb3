import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createDb } from "@/lib/db";
import { configureProcess } from "../support/process-configuration";
import { RUN, browserSignIn, signedUpUser } from "../support/user-fixtures";

await configureProcess("users-api");

const db = createDb(inject("databaseUrl"), inject("poolMax"));
const routes = {
  users: await import("@/app/api/users/route"),
  user: await import("@/app/api/users/[id]/route"),
  revoke: await import("@/app/api/users/[id]/revoke-sessions/route"),
};
let adminToken: string;
let viewerToken: string;

/** An API token of a new user with `role`, minted as POST /api/auth/token does. */
async function tokenOf(label: string, role: "admin" | "viewer") {
  const { createApiTokens } = await import("@/lib/sessions/api-tokens");
  const { getEnv } = await import("@/lib/config/env");
  const user = await signedUpUser(db, label, role);
  const signIn = await browserSignIn(db, user.id);
  return (await createApiTokens(db, getEnv(), { userId: user.id, role, familyId: signIn.id, via: "cookie", email: user.email, name: user.name, expiresAt: 0 })).access_token;
}

beforeAll(async () => {
  adminToken = await tokenOf("api-admin", "admin");
  viewerToken = await tokenOf("api-viewer", "viewer");
});

afterAll(async () => {
  await db.user.updateMany({ where: { email: { endsWith: `-${RUN}@example.test` } }, data: { role: "viewer" } });
  await db.$disconnect();
  const { getDb } = await import("@/lib/db");
  await getDb().$disconnect();
});

function call(path: string, init: { method?: string; body?: string; token?: string } = {}) {
  return new NextRequest(`http://localhost:3000${path}`, {
    method: init.method ?? "GET",
    headers: { authorization: `Bearer ${init.token ?? adminToken}`, "content-type": "application/json" },
    body: init.body,
  });
}
const params = (id: string) => ({ params: Promise.resolve({ id }) });
const noParams = { params: Promise.resolve({}) };

describe("the users API", () => {
  it("lists users for admins only, with a cursor to the next page", async () => {
    const listed = await routes.users.GET(call(`/api/users?q=api-&limit=1`), noParams);
    expect(listed.status).toBe(200);
    const body = await listed.json();
    expect(body.users).toHaveLength(1);
    expect(body.users[0]).toEqual(expect.objectContaining({ email: expect.stringMatching(/^api-/), role: expect.any(String), version: expect.any(Number), activeSessions: expect.any(Number) }));
    expect(typeof body.nextCursor).toBe("string");

    const refused = await routes.users.GET(call("/api/users", { token: viewerToken }), noParams);
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ error: "forbidden" });

    const invalid = await routes.users.GET(call("/api/users?cursor=nope"), noParams);
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toMatchObject({ error: "invalid_request", message: expect.stringContaining("cursor") });
  });

  it("shows one user with their sessions and API tokens, or 404", async () => {
    const user = await signedUpUser(db, "api-details");
    const signIn = await browserSignIn(db, user.id);
    const shown = await routes.user.GET(call(`/api/users/${user.id}`), params(user.id));
    expect(shown.status).toBe(200);
    expect(await shown.json()).toMatchObject({
      id: user.id,
      email: user.email,
      status: "active",
      activeSessions: 1,
      sessions: [{ id: signIn.id, kind: "browser", ipAddress: "198.51.100.7", userAgent: "Mozilla/5.0 (integration)" }],
      apiTokens: [],
    });
    const missing = await routes.user.GET(call("/api/users/nobody"), params("nobody"));
    expect([missing.status, (await missing.json()).error]).toEqual([404, "not_found"]);
  });

  it("changes a user (200 with the new version), and answers 400, 404 and 409 with their codes", async () => {
    const user = await signedUpUser(db, "api-patch");
    const patch = (id: string, body: unknown) => routes.user.PATCH(call(`/api/users/${id}`, { method: "PATCH", body: JSON.stringify(body) }), params(id));
    const changed = await patch(user.id, { role: "campaign_manager", version: user.version });
    expect(changed.status).toBe(200);
    expect(await changed.json()).toMatchObject({ id: user.id, role: "campaign_manager", version: user.version + 1 });

    const stale = await patch(user.id, { role: "viewer", version: user.version });
    expect([stale.status, (await stale.json()).error]).toEqual([409, "conflict"]);
    const invalid = await patch(user.id, { role: "owner", version: user.version + 1 });
    expect(await invalid.json()).toEqual({ error: "invalid_request", message: "role must be one of admin, campaign_manager, viewer" });
    const notJson = await routes.user.PATCH(call(`/api/users/${user.id}`, { method: "PATCH", body: "role=admin" }), params(user.id));
    expect([notJson.status, (await notJson.json()).error]).toEqual([400, "invalid_request"]);
    const missing = await patch("nobody", { role: "viewer", version: 1 });
    expect([missing.status, (await missing.json()).error]).toEqual([404, "not_found"]);
    const byViewer = await routes.user.PATCH(call(`/api/users/${user.id}`, { method: "PATCH", body: JSON.stringify({ disabled: true, version: 2 }), token: viewerToken }), params(user.id));
    expect(byViewer.status).toBe(403);

    const event = await db.auditEvent.findFirstOrThrow({ where: { targetUserId: user.id, action: "role_changed" } });
    expect(event).toMatchObject({ detail: { from: "viewer", to: "campaign_manager" }, requestId: expect.any(String) });
    expect(event.actor).not.toBe("cli");
  });

  it("revokes one session or all of a user's", async () => {
    const user = await signedUpUser(db, "api-revoke");
    const first = await browserSignIn(db, user.id);
    await browserSignIn(db, user.id);
    const revoke = (body?: string) => routes.revoke.POST(call(`/api/users/${user.id}/revoke-sessions`, { method: "POST", body }), params(user.id));
    const one = await revoke(JSON.stringify({ familyId: first.id }));
    expect([one.status, await one.json()]).toEqual([200, { revoked: 1 }]);
    const unreadable = await revoke("{familyId:");
    expect([unreadable.status, (await unreadable.json()).error]).toEqual([400, "invalid_request"]);
    const all = await revoke();
    expect([all.status, await all.json()]).toEqual([200, { revoked: 1 }]);
    const foreign = await routes.revoke.POST(call(`/api/users/nobody/revoke-sessions`, { method: "POST" }), params("nobody"));
    expect([foreign.status, (await foreign.json()).error]).toEqual([404, "not_found"]);
  });
});
