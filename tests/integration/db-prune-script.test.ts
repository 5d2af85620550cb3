import { spawnSync } from "node:child_process";
import { describe, expect, inject, it } from "vitest";

/** `npm run db:prune` as an operator runs it, with exactly these variables set. */
function dbPrune(variables: Record<string, string>) {
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: undefined, DATA_RETENTION_DAYS: undefined, AUDIT_RETENTION_DAYS: undefined, ...variables };
  return spawnSync("npm", ["run", "--silent", "db:prune"], { env, encoding: "utf8", timeout: 60_000 });
}

describe("npm run db:prune", () => {
  it("prunes now, whatever the hourly schedule, and says what it deleted", () => {
    const first = dbPrune({ DATABASE_URL: inject("databaseUrl") });
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(
      /^db:prune: deleted \d+ token families, \d+ refresh tokens, \d+ back-channel logout tokens, \d+ security event tokens, \d+ rate-limit counters, \d+ audit events \(retention 30 days, audit events 365 days\)\.$/m,
    );
    // Forced: a second run within the hour prunes again instead of skipping.
    const second = dbPrune({ DATABASE_URL: inject("databaseUrl"), DATA_RETENTION_DAYS: "7", AUDIT_RETENTION_DAYS: "2555" });
    expect(second.status).toBe(0);
    expect(second.stdout).toContain("(retention 7 days, audit events 2555 days)");
  });

  it("fails with a clear message, and exit code 1, without DATABASE_URL", () => {
    const run = dbPrune({});
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("DATABASE_URL is required");
  });

  it("fails with a clear message, and exit code 1, when the database cannot be reached, without printing the password", () => {
    const run = dbPrune({ DATABASE_URL: "postgresql://operator:s3cret-password@127.0.0.1:1/console" });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("db:prune: could not prune the database at 127.0.0.1:1/console");
    expect(run.stderr + run.stdout).not.toContain("s3cret-password");
  });

  it("refuses an invalid retention", () => {
    const run = dbPrune({ DATABASE_URL: inject("databaseUrl"), DATA_RETENTION_DAYS: "0" });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("DATA_RETENTION_DAYS is invalid");
    const audit = dbPrune({ DATABASE_URL: inject("databaseUrl"), AUDIT_RETENTION_DAYS: "0" });
    expect(audit.status).toBe(1);
    expect(audit.stderr).toContain("AUDIT_RETENTION_DAYS is invalid");
  });
});
