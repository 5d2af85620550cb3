import "server-only";
import type { Db } from "../db";
import { getLogger } from "../observability/logger";
import { ENVIRONMENT_CONNECTION_ID } from "./operator-organisation";

/**
 * A connection's health for its organisation's page: when it last signed someone in, and its
 * last refusal with its code. Written after the answer is sent and at most once a minute per
 * connection and kind (a busy connection does not write at every sign-in), never through
 * Prisma's update: neither its version nor its updatedAt move (they say when it was changed).
 * The environment's connection has no row: its health is in the logs and metrics.
 */
export async function recordConnectionOutcome(db: Db, connectionId: string, refusalCode: string | null): Promise<void> {
  if (connectionId === ENVIRONMENT_CONNECTION_ID) return;
  try {
    if (refusalCode === null) {
      await db.$executeRaw`UPDATE "Connection" SET "lastSignInAt" = now() WHERE id = ${connectionId} AND ("lastSignInAt" IS NULL OR "lastSignInAt" < now() - interval '1 minute')`;
    } else {
      await db.$executeRaw`UPDATE "Connection" SET "lastRefusalAt" = now(), "lastRefusalCode" = ${refusalCode}
        WHERE id = ${connectionId} AND ("lastRefusalAt" IS NULL OR "lastRefusalAt" < now() - interval '1 minute' OR "lastRefusalCode" IS DISTINCT FROM ${refusalCode})`;
    }
  } catch (error) {
    getLogger().warn({ event: "connection_health_not_recorded", connectionId, error: error instanceof Error ? error.message : String(error) });
  }
}
