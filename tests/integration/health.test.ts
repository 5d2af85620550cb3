import { afterAll, describe, expect, inject, it } from "vitest";
import { createDb } from "@/lib/db";
import { findUserProfile } from "@/lib/users/find-user-profile";
import { checkHealth } from "@/lib/health";

const db = createDb(inject("databaseUrl"), inject("poolMax"));
afterAll(() => db.$disconnect());

describe("checkHealth", () => {
  it("reports the database ok when it answers", async () => {
    expect(await checkHealth(() => db)).toEqual({ status: "ok", database: "ok" });
  });

  it("reports the database unreachable when nothing listens", async () => {
    const nowhere = createDb("postgresql://nobody:nothing@127.0.0.1:1/none?sslmode=disable&connect_timeout=1");
    try {
      expect(await checkHealth(() => nowhere)).toEqual({ status: "degraded", database: "unreachable" });
    } finally {
      await nowhere.$disconnect();
    }
  });
});

describe("findUserProfile", () => {
  it("returns null for an unknown user id", async () => {
    expect(await findUserProfile(db, "no-such-user")).toBeNull();
  });
});

describe("findUserProfileCached", () => {
  it("serves a read for one second at most, then reads again", async () => {
    const { findUserProfileCached, PROFILE_CACHE_MS } = await import("@/lib/users/cached-user-profile");
    const user = await db.user.create({ data: { name: "Before", email: `${crypto.randomUUID()}@example.test` } });
    const t0 = Date.now();
    expect((await findUserProfileCached(db, user.id, t0))?.name).toBe("Before");
    await db.user.update({ where: { id: user.id }, data: { name: "After" } });
    expect((await findUserProfileCached(db, user.id, t0 + 1))?.name).toBe("Before");
    expect((await findUserProfileCached(db, user.id, t0 + PROFILE_CACHE_MS + 1))?.name).toBe("After");
  });
});
