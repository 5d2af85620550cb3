import client, { type Counter, type Histogram, type Registry } from "prom-client";

// prom-client is loaded once per process (serverExternalPackages), but this module is
// evaluated once per Next bundle: each metric is created once and found again afterwards.
const registry: Registry = client.register;

function counter<L extends string>(name: string, help: string, labelNames: readonly L[]): Counter<L> {
  return (registry.getSingleMetric(name) as Counter<L> | undefined) ?? new client.Counter({ name, help, labelNames, registers: [registry] });
}

function histogram<L extends string>(name: string, help: string, labelNames: readonly L[], buckets: number[]): Histogram<L> {
  return (registry.getSingleMetric(name) as Histogram<L> | undefined) ?? new client.Histogram({ name, help, labelNames, buckets, registers: [registry] });
}

const FAST = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];
const SLOW = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** Everything an operator can watch (GET /api/metrics, Prometheus text format). */
export const metrics = {
  signIns: counter("vsa_sign_ins_total", "Sign-ins that completed or were refused, by outcome and refusal code", ["outcome", "code", "reason"]),
  apiRefusals: counter("vsa_api_refusals_total", "API requests refused (401, 403, 404, 409, 413, 429), by code", ["status", "code"]),
  refreshes: counter("vsa_refresh_total", "API token refreshes, by outcome (rotated, retry_answered, reused, revoked, invalid_or_expired)", ["outcome"]),
  revocations: counter("vsa_revocations_total", "Token families revoked, by reason", ["reason"]),
  timeToRevokeSeconds: histogram(
    "vsa_time_to_revoke_seconds",
    "From a revocation's arrival (back-channel logout, shared signal, Universal Logout, directory, admin) to the latest moment every instance refuses the person: its commit plus the family-check cache",
    ["source"],
    [0.25, 0.5, 1, 1.5, 1.75, 2, 2.5, 3, 5, 10],
  ),
  rateLimited: counter("vsa_rate_limited_total", "Requests refused by a rate limit, by bucket", ["bucket"]),
  idpRenewals: counter("vsa_idp_renewals_total", "Renewals of a sign-in at the IdP, by outcome (renewed, refused, rejected, unavailable) and reason", ["outcome", "reason"]),
  idpRequestSeconds: histogram("vsa_idp_request_duration_seconds", "Calls to the identity provider, by endpoint and outcome", ["endpoint", "outcome"], SLOW),
  gateDecisionSeconds: histogram("vsa_gate_decision_duration_seconds", "Time a route handler's guard takes to decide (authenticate, family check, role), by outcome", ["outcome"], FAST),
  dbConnectionsBroken: counter("vsa_db_connections_broken_total", "Pooled PostgreSQL connections that died, by state (idle: dropped by the pool; in_use: handed back to it by the app)", ["state"]),
  dbStatements: counter("vsa_db_statements_total", "Statements sent to PostgreSQL (round trips, BEGIN and COMMIT included)", []),
  httpRequestSeconds: histogram("vsa_http_request_duration_seconds", "API requests, by method and status class", ["method", "status"], FAST),
};

let collectorsStarted = false;

/**
 * Process metrics (CPU, memory, event-loop lag, GC) and the database pool's connections,
 * collected at scrape time. Once per process.
 */
export function startMetricCollectors(pool: () => { totalCount: number; idleCount: number; waitingCount: number } | undefined): void {
  if (collectorsStarted || registry.getSingleMetric("vsa_db_pool_connections")) return;
  collectorsStarted = true;
  client.collectDefaultMetrics({ register: registry, prefix: "vsa_" });
  new client.Gauge({
    name: "vsa_db_pool_connections",
    help: "Database connections of this instance's pool, by state (in_use, idle, waiting requests)",
    labelNames: ["state"],
    registers: [registry],
    collect() {
      const current = pool();
      this.set({ state: "in_use" }, current ? current.totalCount - current.idleCount : 0);
      this.set({ state: "idle" }, current?.idleCount ?? 0);
      this.set({ state: "waiting" }, current?.waitingCount ?? 0);
    },
  });
}

export function metricsText(): Promise<string> {
  return registry.metrics();
}

export const METRICS_CONTENT_TYPE = registry.contentType;
