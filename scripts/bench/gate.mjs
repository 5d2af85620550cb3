// Part of `npm run bench`: what the gate costs. Each measurement runs the targets in
// alternating rounds (so drift on a shared machine hits every target alike) and reports
// medians: throughput at full load, latency at a fixed request rate, and memory after many
// distinct tokens.
import { randomUUID } from "node:crypto";
import { SignJWT, decodeJwt, importJWK } from "jose";
import { expectOnly, medianOf, runLoad, serverMetrics } from "./load.mjs";
import { treeRss } from "./process-tree.mjs";

/**
 * Runs `measure(target)` for every target, `rounds` times, in alternating order;
 * `beforeRound` runs before each round. Returns the results by target name.
 */
export async function alternatingRounds(targets, rounds, beforeRound, measure) {
  const samples = new Map(targets.map((target) => [target.name, []]));
  for (let round = 0; round < rounds; round++) {
    await beforeRound();
    const order = round % 2 === 0 ? targets : [...targets].reverse();
    for (const target of order) samples.get(target.name).push(await measure(target));
  }
  return samples;
}

/**
 * Loads each target with `load` (autocannon options) in alternating rounds and keeps `pick`
 * of each run's result; a run that got any other status than the target's fails the bench.
 * `around`, when given, wraps each run (e.g. to read the server's metrics before and after it).
 */
function loadRounds({ appUrl, targets, rounds, beforeRound }, load, pick, around = (run) => run()) {
  return alternatingRounds(targets, rounds, beforeRound, (target) =>
    around(async () => pick(expectOnly(await runLoad({ url: `${appUrl}${target.path}`, headers: target.headers, ...load }), target.status, target.name))),
  );
}

/** How many old-generation collections (V8's major GCs and their incremental marking steps) the server has run. */
async function oldGenerationGcs(appUrl) {
  const value = await serverMetrics(appUrl);
  return value('vsa_nodejs_gc_duration_seconds_count{kind="major"}') + value('vsa_nodejs_gc_duration_seconds_count{kind="incremental"}');
}

/** How far the row's `key` is above the floor's (the first target's), in ms. */
const aboveFloor = (rows, row, key) => Number((row[key] - rows[0][key]).toFixed(2));

/** Requests per second and latency at full load (`connections` at once), against the floor (the first target). */
export async function measureThroughput({ appUrl, targets, rounds, durationSeconds, connections, beforeRound }) {
  const samples = await loadRounds({ appUrl, targets, rounds, beforeRound }, { duration: durationSeconds, connections }, (result) => ({
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
  }));
  const rows = targets.map((target) => {
    const runs = samples.get(target.name);
    return { route: target.name, requestsPerSecond: Math.round(medianOf(runs, "rps")), p50Ms: medianOf(runs, "p50"), p99Ms: medianOf(runs, "p99"), runs };
  });
  for (const row of rows) {
    row.ratioToFloor = Number((row.requestsPerSecond / rows[0].requestsPerSecond).toFixed(3));
    row.p99AddedMs = aboveFloor(rows, row, "p99Ms");
  }
  return rows;
}

/**
 * The latency the gate adds below saturation: a fixed request rate over 4 connections. At
 * full load on two cores, p99 is queueing rather than the cost of the gate. The first target
 * is the floor; "added" is each percentile minus the floor's.
 */
export async function measureFixedRateLatency({ appUrl, targets, rounds, durationSeconds, rate, beforeRound }) {
  // Each round also notes whether the server collected its old generation meanwhile: such a
  // pause (tens of ms on one core) sets a round's p99 on any route, the floor included.
  const countingGcs = async (run) => {
    const before = await oldGenerationGcs(appUrl);
    const result = await run();
    return { ...result, oldGenerationGc: (await oldGenerationGcs(appUrl)) > before };
  };
  const samples = await loadRounds(
    { appUrl, targets, rounds, beforeRound },
    { duration: durationSeconds, connections: 4, overallRate: rate },
    (result) => ({ p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99 }),
    countingGcs,
  );
  const rows = targets.map((target) => {
    const runs = samples.get(target.name);
    const quiet = runs.filter((run) => !run.oldGenerationGc);
    return {
      route: target.name,
      requestsPerSecond: rate,
      p50Ms: medianOf(runs, "p50"),
      p90Ms: medianOf(runs, "p90"),
      p99Ms: medianOf(runs, "p99"),
      quietRounds: quiet.length,
      p99QuietMs: quiet.length > 0 ? medianOf(quiet, "p99") : null,
      runs,
    };
  });
  for (const row of rows) {
    row.p50AddedMs = aboveFloor(rows, row, "p50Ms");
    row.p90AddedMs = aboveFloor(rows, row, "p90Ms");
    row.p99AddedMs = aboveFloor(rows, row, "p99Ms");
    row.p99QuietAddedMs = row.p99QuietMs !== null && rows[0].p99QuietMs !== null ? aboveFloor(rows, row, "p99QuietMs") : null;
  }
  return rows;
}

/** The server's V8 heap from its own metrics: the young generation's size and the old generation's live bytes. */
async function heapSpaces(appUrl) {
  const value = await serverMetrics(appUrl);
  return {
    newSpaceSize: value('vsa_nodejs_heap_space_size_total_bytes{space="new"}'),
    oldSpaceUsed: value('vsa_nodejs_heap_space_size_used_bytes{space="old"}'),
  };
}

/**
 * The server's RSS (its process tree) before and after `requests` gated requests with
 * distinct valid API tokens (signed here with the app's own key, for the signed-in user's
 * family), then after as many garbage tokens: the verified-token cache must stay bounded.
 * "Before" is the steady state under the same load: a tenth as many other distinct tokens
 * first, so V8 has sized its young generation for verifying tokens (a repeated token, served
 * from the cache, allocates far less) and the growth is what more distinct tokens add. The
 * verified-token caches are full (4,096 entries each) from that warm-up on. `url`: the Next
 * route by default, or the forward-auth listener's.
 */
export async function measureMemory({ appUrl, serverPid, accessToken, signingJwk, requests, connections, url = `${appUrl}/api/auth/verify` }) {
  const { familyId, email, sub: userId } = decodeJwt(accessToken);
  const key = await importJWK(signingJwk, "ES256");
  const now = Math.floor(Date.now() / 1000);
  const signTokens = async (count) => {
    const tokens = [];
    for (let i = 0; i < count; i++) {
      tokens.push(
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
    return tokens;
  };
  const warmUp = await signTokens(Math.ceil(requests / 10));
  const distinct = await signTokens(requests);
  const sendEach = async (tokens, status) =>
    expectOnly(
      await runLoad({
        url,
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
  const probe = async () => ({ rss: treeRss(serverPid), ...(await heapSpaces(appUrl)) });
  await sendEach(warmUp, 204);
  const before = await probe();
  await sendEach(distinct, 204);
  const afterValid = await probe();
  await sendEach(Array.from({ length: requests }, (_, i) => `garbage.${i}.${randomUUID()}`), 401);
  const afterGarbage = await probe();
  const mib = (bytes) => Number((bytes / 2 ** 20).toFixed(1));
  const percent = (from, to) => Number((((to - from) / from) * 100).toFixed(1));
  return {
    requestsEach: requests,
    warmUpRequests: warmUp.length,
    rssBeforeMiB: mib(before.rss),
    rssAfterValidMiB: mib(afterValid.rss),
    rssAfterGarbageMiB: mib(afterGarbage.rss),
    growthAfterValidPercent: percent(before.rss, afterValid.rss),
    growthAfterGarbagePercent: percent(afterValid.rss, afterGarbage.rss),
    growthTotalPercent: percent(before.rss, afterGarbage.rss),
    heap: Object.fromEntries(
      Object.entries({ before, afterValid, afterGarbage }).map(([point, { newSpaceSize, oldSpaceUsed }]) => [point, { newSpaceSizeMiB: mib(newSpaceSize), oldSpaceUsedMiB: mib(oldSpaceUsed) }]),
    ),
  };
}
