import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, beforeEach } from "vitest";
import type { Db } from "@/lib/db";
import { captureLogs } from "./captured-logs";

/** The user agent that makes the test trigger below refuse an audit event. */
export const AUDIT_TRAIL_DOWN_USER_AGENT = "audit-trail-down-test";

/**
 * A real failure of the audit table for some requests only: a trigger that refuses every
 * AuditEvent insert whose user agent is AUDIT_TRAIL_DOWN_USER_AGENT, as a full disk, a lost
 * privilege or a broken migration would. Other rows (other tests, other runs) are untouched.
 * Returns the undo.
 */
export async function breakAuditTrailFor(db: Db): Promise<() => Promise<void>> {
  await db.$executeRawUnsafe(`
    CREATE OR REPLACE FUNCTION vsa_test_refuse_audit_event() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW."userAgent" = '${AUDIT_TRAIL_DOWN_USER_AGENT}' THEN RAISE EXCEPTION 'the audit trail is unavailable (test trigger)'; END IF;
      RETURN NEW;
    END $$`);
  await db.$executeRawUnsafe(`DROP TRIGGER IF EXISTS vsa_test_refuse_audit_event ON "AuditEvent"`);
  await db.$executeRawUnsafe(`CREATE TRIGGER vsa_test_refuse_audit_event BEFORE INSERT ON "AuditEvent" FOR EACH ROW EXECUTE FUNCTION vsa_test_refuse_audit_event()`);
  return async () => {
    await db.$executeRawUnsafe(`DROP TRIGGER IF EXISTS vsa_test_refuse_audit_event ON "AuditEvent"`);
  };
}

/**
 * For the tests of the enclosing describe block: the audit trail down for requests made with
 * `auditTrailDownRequest()`, and what the console logged as lost. Returns those log lines, parsed.
 */
export function whileTheAuditTrailIsDown(db: Db): () => Record<string, unknown>[] {
  let repair: () => Promise<void>;
  let logs: ReturnType<typeof captureLogs>;
  beforeAll(async () => {
    repair = await breakAuditTrailFor(db);
  });
  afterAll(() => repair());
  // Captured, not printed: the lines are the tests' evidence.
  beforeEach(() => {
    logs = captureLogs();
  });
  afterEach(() => logs.stop());
  return () => logs.entries().filter((line) => line.event === "audit_event_lost");
}

/** A request whose audit events the broken trail refuses. */
export const auditTrailDownRequest = () => auditRequest({ userAgent: AUDIT_TRAIL_DOWN_USER_AGENT });

/** A request as the audit trail sees it, with a request id of its own to find its events by. */
export function auditRequest(overrides: { userAgent?: string } = {}) {
  return { ipAddress: "203.0.113.7", userAgent: overrides.userAgent ?? "Mozilla/5.0 (audit test)", requestId: `req-${randomUUID()}` };
}

/** The events one request wrote, oldest first. */
export function eventsOf(db: Db, requestId: string) {
  return db.auditEvent.findMany({ where: { requestId }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
}
