// An open-loop load at a fixed rate, for latency at a given throughput. autocannon's rate
// limit sends each second's quota as fast as it can and then waits for the next second, so
// its p99 at 5,000 requests/s is the p99 of a burst at full load. Here request i is due at
// start + i / rate, evenly spaced, and is sent at the first timer tick after that (at most
// about 1 ms later: the timer's resolution, not counted as latency); its latency runs from
// then to the end of its answer. The generator never waits for answers to send, so a slow
// answer makes the requests behind it wait for a connection and they count the wait (no
// coordinated omission).
import http from "node:http";

const percentile = (sorted, fraction) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))];

/** `rate` requests/s for `durationSeconds` over at most `connections` kept-alive connections. */
export async function runPacedLoad({ url, headers = {}, rate, durationSeconds, connections }) {
  const { hostname, port, pathname, search } = new URL(url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const total = Math.round(rate * durationSeconds);
  const latencies = new Float64Array(total);
  const statusCodeStats = {};
  let errors = 0;
  const start = performance.now();
  const due = (i) => start + (i * 1000) / rate;
  await new Promise((resolve) => {
    let sent = 0;
    let finished = 0;
    const sentAt = new Float64Array(total);
    const finish = (i) => {
      latencies[i] = performance.now() - sentAt[i];
      if (++finished === total) resolve();
    };
    const send = (i) => {
      const request = http.request({ hostname, port, path: pathname + search, headers, agent }, (response) => {
        statusCodeStats[response.statusCode] = { count: (statusCodeStats[response.statusCode]?.count ?? 0) + 1 };
        response.on("end", () => finish(i));
        response.resume();
      });
      request.on("error", () => {
        errors++;
        finish(i);
      });
      request.end();
    };
    const tick = () => {
      const now = performance.now();
      while (sent < total && due(sent) <= now) {
        sentAt[sent] = now;
        send(sent++);
      }
      if (sent < total) setTimeout(tick, Math.max(0, due(sent) - performance.now()));
    };
    tick();
  });
  const seconds = (performance.now() - start) / 1000;
  agent.destroy();
  const sorted = latencies.sort();
  return {
    statusCodeStats,
    errors,
    achievedPerSecond: Math.round(total / seconds),
    p50Ms: Number(percentile(sorted, 0.5).toFixed(2)),
    p99Ms: Number(percentile(sorted, 0.99).toFixed(2)),
    p999Ms: Number(percentile(sorted, 0.999).toFixed(2)),
    maxMs: Number(sorted[sorted.length - 1].toFixed(2)),
  };
}
