// What the benchmark's parts share: the load generator (autocannon), the median of rounds, and
// a reader of the server's own metrics.
import autocannon from "autocannon";

export function runLoad(options) {
  return new Promise((resolve, reject) => {
    autocannon(options, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** The median of one field over runs (the rounds of one target). */
export const medianOf = (runs, key) => median(runs.map((run) => run[key]));

/** Fails a run that got any answer other than the expected status, or any socket error. */
export function expectOnly(result, status, what) {
  const unexpected = Object.keys(result.statusCodeStats ?? {}).filter((code) => Number(code) !== status);
  if (unexpected.length > 0 || result.errors > 0) throw new Error(`${what}: unexpected statuses ${unexpected.join(",") || "none"} / ${result.errors} errors (expected ${status})`);
  return result;
}

/** A reader of the server's own metrics (/api/metrics with METRICS_TOKEN): `value(series)` of one sample line. */
export async function serverMetrics(appUrl) {
  const headers = process.env.METRICS_TOKEN ? { authorization: `Bearer ${process.env.METRICS_TOKEN}` } : {};
  const text = await (await fetch(`${appUrl}/api/metrics`, { headers })).text();
  return (series) => Number(text.split("\n").find((row) => row.startsWith(`${series} `))?.split(" ")[1] ?? NaN);
}
