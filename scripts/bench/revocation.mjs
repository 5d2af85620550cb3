// Part of `npm run bench`: the time to revoke across two instances. A second instance of the
// app (same database) beside the bench's; for each sample, an API token minted on the first is
// admitted by the second (so the second holds a cached "active" verdict, the worst case), then
// revoked through the first (an administrator ends that token: the one revocation path every
// source takes, lib/sessions/revoke-access.ts), and the second is asked until it refuses it
// (401 token_revoked). The time is from sending the revocation to the second's first refusal.
// The bench user is an admin for the time of the measurement (its role is restored after).
import { decodeJwt } from "jose";
import pg from "pg";
import { waitFor } from "../wait-for.mjs";

const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};
const round = (ms) => Number(ms.toFixed(0));

export async function measureTimeToRevoke({ start, env, appUrl, databaseUrl, secondPort, cookie, samples }) {
  const secondUrl = `http://localhost:${secondPort}`;
  // Runs until the bench stops: start() takes any exit of its children for a failure.
  start("next start (second instance)", ["node_modules/next/dist/bin/next", "start", "--port", String(secondPort)], env, { cpu: 1 });
  await waitFor("the second instance", async () => (await fetch(`${secondUrl}/api/health`)).ok, 60_000);
  const me = await (await fetch(`${appUrl}/api/auth/me`, { headers: { cookie } })).json();
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const [{ role }] = (await client.query(`SELECT role FROM "User" WHERE id = $1`, [me.id])).rows;
  await client.query(`UPDATE "User" SET role = 'admin' WHERE id = $1`, [me.id]);
  try {
    // The app reads a session's role with its family check, cached up to 2 s.
    await waitFor("the bench user to be an admin", async () => (await fetch(`${appUrl}/api/users?limit=1`, { headers: { cookie } })).ok, 10_000);
    return await timeRevocations({ appUrl, secondUrl, cookie, samples });
  } finally {
    await client.query(`UPDATE "User" SET role = $2 WHERE id = $1`, [me.id, role]);
    await client.end();
  }
}

async function timeRevocations({ appUrl, secondUrl, cookie, samples }) {
  const timesMs = [];
  for (let i = 0; i < samples; i++) {
    const minted = await fetch(`${appUrl}/api/auth/token`, { method: "POST", headers: { cookie, origin: appUrl } });
    if (!minted.ok) throw new Error(`POST /api/auth/token answered ${minted.status}`);
    const { access_token: accessToken } = await minted.json();
    const { familyId, sub: userId } = decodeJwt(accessToken);
    const bearer = { authorization: `Bearer ${accessToken}` };
    const admitted = await fetch(`${secondUrl}/api/auth/me`, { headers: bearer });
    await admitted.arrayBuffer();
    if (admitted.status !== 200) throw new Error(`the second instance answered ${admitted.status} for a fresh token`);
    const sentAt = performance.now();
    const revoked = await fetch(`${appUrl}/api/users/${userId}/revoke-sessions`, { method: "POST", headers: { cookie, origin: appUrl, "content-type": "application/json" }, body: JSON.stringify({ familyId }) });
    if (!revoked.ok) throw new Error(`POST /api/users/:id/revoke-sessions answered ${revoked.status} ${await revoked.text()}`);
    for (;;) {
      const response = await fetch(`${secondUrl}/api/auth/me`, { headers: bearer });
      const body = await response.json();
      if (response.status === 401 && body.error === "token_revoked") break;
      if (performance.now() - sentAt > 10_000) throw new Error("the second instance still admits a token revoked 10 s ago");
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    timesMs.push(performance.now() - sentAt);
  }
  return { samples, p50Ms: round(percentile(timesMs, 50)), p95Ms: round(percentile(timesMs, 95)), p99Ms: round(percentile(timesMs, 99)), maxMs: round(Math.max(...timesMs)) };
}
