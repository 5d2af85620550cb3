import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "../..");
// Everything that runs as the app or as an operator command; tests may arrange rows as they like.
const SOURCES = ["app", "lib", "components", "scripts", "middleware.ts", "instrumentation.ts"];
const EXTENSIONS = /\.(?:ts|tsx|mts|mjs|js|cjs)$/;

/** The one module allowed to delete audit events: the prune job's retention (AUDIT_RETENTION_DAYS). */
const RETENTION = { file: "lib/maintenance/prune.ts", write: "auditEvent.deleteMany" };

// A Prisma write other than create, or SQL that changes or removes rows of "AuditEvent".
const PRISMA_WRITE = /\bauditEvent\s*\??\.\s*(update\w*|upsert|delete\w*)\b/g;
const SQL_WRITE = /\b(UPDATE|DELETE\s+FROM|TRUNCATE(?:\s+TABLE)?|ALTER\s+TABLE|DROP\s+TABLE)\s+(?:ONLY\s+)?"?AuditEvent"?/gi;

function sourceFiles(entry: string): string[] {
  const full = path.join(ROOT, entry);
  let entries;
  try {
    entries = readdirSync(full, { withFileTypes: true });
  } catch {
    return EXTENSIONS.test(entry) ? [entry] : [];
  }
  return entries.flatMap((child) => sourceFiles(path.join(entry, child.name)));
}

/** Every write to AuditEvent other than an insert, as "file: the matched text". */
function auditWritesIn(file: string, source: string): string[] {
  return [...source.matchAll(PRISMA_WRITE), ...source.matchAll(SQL_WRITE)].map((match) => `${file}: ${match[0].replace(/\s+/g, " ").replace(/\s*\?\.\s*|\s*\.\s*/, ".")}`);
}

describe("the audit trail is append-only", () => {
  const files = SOURCES.flatMap(sourceFiles);
  const writes = files.flatMap((file) => auditWritesIn(file, readFileSync(path.join(ROOT, file), "utf8")));

  it("reads the app's sources (so the check below can fail)", () => {
    expect(files).toContain("lib/audit/audit-events.ts");
    expect(files).toContain(RETENTION.file);
    expect(files.length).toBeGreaterThan(50);
  });

  it("no module updates or deletes an audit event, except the prune job's retention", () => {
    expect(writes).toEqual([`${RETENTION.file}: ${RETENTION.write}`]);
  });

  it("recognises the ways a module could", () => {
    const samples = [
      "await db.auditEvent.update({ where: { id }, data: {} })",
      "await tx.auditEvent\n  .updateMany({})",
      "await db.auditEvent?.deleteMany()",
      "await db.auditEvent.upsert({})",
      "await db.auditEvent.delete({ where: { id } })",
      'await db.$executeRaw`UPDATE "AuditEvent" SET detail = null`',
      'await db.$executeRawUnsafe(\'DELETE FROM "AuditEvent"\')',
      "TRUNCATE TABLE AuditEvent",
    ];
    for (const sample of samples) expect(auditWritesIn("sample.ts", sample), sample).toHaveLength(1);
    expect(auditWritesIn("sample.ts", "await db.auditEvent.create({ data }); await db.auditEvent.findMany({})")).toEqual([]);
  });
});
