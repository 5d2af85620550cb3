import { describe, expect, it } from "vitest";
import { ConfigurationError, loadDatabaseEnv } from "@/lib/config/env";

const DATABASE_URL = "postgresql://user:password@127.0.0.1:5432/console";

describe("loadDatabaseEnv (operator commands such as npm run db:prune)", () => {
  it("needs no secrets, only the database, and gives the retention its default", () => {
    expect(loadDatabaseEnv({ DATABASE_URL })).toEqual({ databaseUrl: DATABASE_URL, databasePoolMax: 10, dataRetentionDays: 30, auditRetentionDays: 365 });
    expect(loadDatabaseEnv({ DATABASE_URL, DATA_RETENTION_DAYS: " 7 " }).dataRetentionDays).toBe(7);
    expect(loadDatabaseEnv({ DATABASE_URL, AUDIT_RETENTION_DAYS: "2555" }).auditRetentionDays).toBe(2555);
  });

  it.each([
    [{}, "DATABASE_URL is required"],
    [{ DATABASE_URL: "  " }, "DATABASE_URL is required"],
    [{ DATABASE_URL: "mysql://x" }, "DATABASE_URL is invalid"],
    [{ DATABASE_URL, DATA_RETENTION_DAYS: "0" }, "DATA_RETENTION_DAYS is invalid"],
    [{ DATABASE_URL, DATA_RETENTION_DAYS: "ninety" }, "DATA_RETENTION_DAYS is invalid"],
    [{ DATABASE_URL, AUDIT_RETENTION_DAYS: "0" }, "AUDIT_RETENTION_DAYS is invalid"],
  ])("refuses %j, naming the variable", (source, expected) => {
    expect(() => loadDatabaseEnv(source)).toThrow(ConfigurationError);
    expect(() => loadDatabaseEnv(source)).toThrow(expected);
  });
});
