// Part of `npm run bench`: what the gate costs. Each measurement runs the targets in
// alternating rounds (so drift on a shared machine hits every target alike) and reports
// medians: throughput at full load, latency at a fixed request rate, and memory after many
// distinct tokens.
import { randomUUID } from "node:crypto";
import { SignJWT, decodeJwt, importJWK } from "jose";
import { expectOnly, median, runLoad } from "./bench-load.mjs";
import { treeRss } from "./process-tree-rss.mjs";

/**
 * Runs `measure(target)` for every target, `rounds` times, in alternating order;
 * `beforeRound` runs before each round. Returns the results by target name.
 */
async function alternatingRounds(targets, rounds, beforeRound, measure) {
  const samples = new Map(targets.map((target) => [target.name, []]));
  for (let round = 0; round < rounds; round++) {
    await beforeRound();
    const order = round % 2 === 0 ? targets : [...targets].reverse();
    for (const target of order) samples.get(target.name).push(await measure(target));
  }
  return samples;
}

/** Requests per second and latency at full load (`connections` at once), against the floor (the first target). */
export async function measureThroughput({ appUrl, targets, rounds, durationSeconds, connections, beforeRound }) {
  const samples = await alternatingRounds(targets, rounds, beforeRound, async (target) => {
    const result = expectOnly(
      await runLoad({ url: `${appUrl}${target.path}`, headers: target.headers, duration: durationSeconds, connections }),
      target.status,
      target.name,
    );
    return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99 };
  });
  const rows = targets.map((target) => {
    const runs = samples.get(target.name);
    return {
      route: target.name,
      requestsPerSecond: Math.round(median(runs.map((r) => r.rps))),
      p50Ms: median(runs.map((r) => r.p50)),
      p99Ms: median(runs.map((r) => r.p99)),
      runs,
    };
  });
  for (const row of rows) {
    row.ratioToFloor = Number((row.requestsPerSecond / rows[0].requestsPerSecond).toFixed(3));
    row.p99AddedMs = Number((row.p99Ms - rows[0].p99Ms).toFixed(2));
  }
  return rows;
}

/**
 * The latency the gate adds below saturation: a fixed request rate over 4 connections. At
 * full load on two cores, p99 is queueing rather than the cost of the gate. The first target
 * is the floor; "added" is each percentile minus the floor's.
 */
export async function measureFixedRateLatency({ appUrl, targets, rounds, durationSeconds, rate, beforeRound }) {
  const samples = await alternatingRounds(targets, rounds, beforeRound, async (target) => {
    const result = expectOnly(
      await runLoad({ url: `${appUrl}${target.path}`, headers: target.headers, duration: durationSeconds, connections: 4, overallRate: rate }),
      target.status,
      target.name,
    );
    return { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99 };
  });
  const rows = targets.map((target) => {
    const runs = samples.get(target.name);
    return {
      route: target.name,
      requestsPerSecond: rate,
      p50Ms: median(runs.map((r) => r.p50)),
      p90Ms: median(runs.map((r) => r.p90)),
      p99Ms: median(runs.map((r) => r.p99)),
      runs,
    };
  });
  for (const row of rows) {
    row.p50AddedMs = Number((row.p50Ms - rows[0].p50Ms).toFixed(2));
    row.p90AddedMs = Number((row.p90Ms - rows[0].p90Ms).toFixed(2));
    row.p99AddedMs = Number((row.p99Ms - rows[0].p99Ms).toFixed(2));
  }
  return rows;
}

/**
 * The server's RSS (its process tree) before and after `requests` gated requests with
 * distinct valid API tokens (signed here with the app's own key, for the signed-in user's
 * family), then after as many garbage tokens: the verified-token cache must stay bounded.
 */
export async function measureMemory({ appUrl, serverPid, accessToken, signingJwk, requests, connections }) {
  const { familyId, email, sub: userId } = decodeJwt(accessToken);
  const key = await importJWK(signingJwk, "ES256");
  const now = Math.floor(Date.now() / 1000);
  const distinct = [];
  for (let i = 0; i < requests; i++) {
    distinct.push(
      await new SignJWT({ role: "viewer", familyId, email })
        .setProtectedHeader({ alg: "ES256", kid: signingJwk.kid, typ: "at+jwt" })
        .setIssuer(appUrl)
        .setAudience(`${appUrl}/api`)
        .setSubject(userId)
        .setIssuedAt(now)
        .setNotBefore(now)
        .setExpirationTime(now + 900)
        .setJti(randomUUID())
        .sign(key),
    );
  }
  const sendEach = async (tokens, status) =>
    expectOnly(
      await runLoad({
        url: `${appUrl}/api/auth/verify`,
        connections,
        amount: tokens.length,
        requests: [
          {
            setupRequest: (request, context) => {
              context.i = ((context.i ?? -1) + 1) % tokens.length;
              context.offset ??= Math.floor(Math.random() * tokens.length);
              return { ...request, headers: { authorization: `Bearer ${tokens[(context.i * connections + context.offset) % tokens.length]}` } };
            },
          },
        ],
      }),
      status,
      "memory run",
    );
  // Bring the heap to its loaded size with one repeated token first, so "before" is the
  // steady state under load and the growth is what distinct tokens add.
  await sendEach(Array(Math.ceil(requests / 10)).fill(distinct[0]), 204);
  const before = treeRss(serverPid);
  await sendEach(distinct, 204);
  const afterValid = treeRss(serverPid);
  await sendEach(Array.from({ length: requests }, (_, i) => `garbage.${i}.${randomUUID()}`), 401);
  const afterGarbage = treeRss(serverPid);
  const mib = (bytes) => Number((bytes / 2 ** 20).toFixed(1));
  const percent = (from, to) => Number((((to - from) / from) * 100).toFixed(1));
  return {
    requestsEach: requests,
    rssBeforeMiB: mib(before),
    rssAfterValidMiB: mib(afterValid),
    rssAfterGarbageMiB: mib(afterGarbage),
    growthAfterValidPercent: percent(before, afterValid),
    growthAfterGarbagePercent: percent(afterValid, afterGarbage),
    growthTotalPercent: percent(before, afterGarbage),
  };
}
