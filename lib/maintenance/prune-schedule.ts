import "server-only";
import { getDb } from "../db";
import { getEnv } from "../config/env";
import { getLogger } from "../observability/logger";
import { formatPruneCounts, pruneExpiredData } from "./prune";

// Each instance asks every few minutes; the database's "MaintenanceRun" row makes it one
// prune an hour in all, whatever the number of instances.
const PRUNE_CHECK_EVERY_MS = 5 * 60_000;

const SCHEDULE_KEY = Symbol.for("voicesurveyagent.pruneSchedule");
const processGlobals = globalThis as Record<symbol, unknown>;

async function pruneOnSchedule(): Promise<void> {
  try {
    const env = getEnv();
    const outcome = await pruneExpiredData(getDb(), { retentionDays: env.dataRetentionDays, auditRetentionDays: env.auditRetentionDays });
    if (outcome.ok) getLogger().info({ event: "pruned", ...outcome.deleted, msg: `pruned ${formatPruneCounts(outcome.deleted)}` });
  } catch (error) {
    // A failed prune is retried at the next check; it must never take the server down.
    getLogger().error({ event: "prune_failed", error: error instanceof Error ? error.message : String(error) });
  }
}

/** Node.js only, once per process (instrumentation.ts). The timer never keeps the process alive. */
export function startPruneSchedule(): void {
  if (processGlobals[SCHEDULE_KEY]) return;
  processGlobals[SCHEDULE_KEY] = setInterval(() => void pruneOnSchedule(), PRUNE_CHECK_EVERY_MS).unref();
}
