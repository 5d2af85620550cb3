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
