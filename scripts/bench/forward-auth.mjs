// Part of `npm run bench`: forward auth behind a real nginx (auth_request), side by side with
// nginx serving the same file unprotected (nginx's floor), through the forward-auth listener
// (FORWARD_AUTH_PORT) and through the Next route, with each server's CPU per request read
// from /proc.
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { alternatingRounds } from "./gate.mjs";
import { expectOnly, medianOf, runLoad } from "./load.mjs";
import { runPacedLoad } from "./paced-load.mjs";
import { treeCpuSeconds } from "./process-tree.mjs";
import { nginxBinary, nginxMainConf } from "../nginx-conf.mjs";
import { portOpen, waitFor } from "../wait-for.mjs";

const root = path.resolve(import.meta.dirname, "../..");
const FILE = "file.html";

/**
 * The bench's nginx.conf. The auth subrequests carry the shipped proxy headers
 * (deploy/nginx-console-proxy-headers.conf), so nginx does the work a deployment does.
 */
function nginxConf({ prefix, port, appPort, listenerPort }) {
  const auth = (name, upstream, extra = "") => `
        location = /_auth_${name} {
            internal;
            include ${path.join(root, "deploy/nginx-console-proxy-headers.conf")};
            proxy_pass http://${upstream}/api/auth/verify;
            proxy_pass_request_body off;
            proxy_set_header Content-Length "";
            proxy_method HEAD;${extra}
        }`;
  const guarded = (name) => `
        location /${name}/ {
            auth_request /_auth_${name};
            auth_request_set $auth_user $upstream_http_x_auth_user_id;
            auth_request_set $auth_cookie $upstream_http_set_cookie;
            add_header X-Seen-User $auth_user;
            add_header Set-Cookie $auth_cookie;
            alias ${prefix}/html/;
        }`;
  return nginxMainConf({
    prefix,
    workerConnections: 1024,
    accessLog: "off",
    http: `    # The load generator keeps its connections for the whole run.
    keepalive_requests 1000000;
    # Shorter than Node's 5 s keep-alive, as in deploy/nginx-console.conf: nginx never reuses a
    # connection the app is closing at that moment.
    upstream listener { server 127.0.0.1:${listenerPort}; keepalive 32; keepalive_timeout 4s; }
    upstream next { server 127.0.0.1:${appPort}; keepalive 32; keepalive_timeout 4s; }
    # Measured, not shipped (docs/operations.md, "Forward-auth listener"): an answer kept for 1 s
    # outlives a revocation, and a kept 204 replays the Set-Cookie of a renewal. The cookie comes
    # through a map: in $cookie_authjs.session-token nginx ends the variable's name at the dot.
    proxy_cache_path ${prefix}/cache keys_zone=auth:10m;
    map $http_cookie $session_token {
        "~(?:^|;\\s*)authjs\\.session-token=(?<token>[^;]*)" $token;
        default "";
    }
    server {
        listen 127.0.0.1:${port};
        proxy_http_version 1.1;
        location /floor/ { alias ${prefix}/html/; }
        ${guarded("listener")}
        ${guarded("next")}
        ${guarded("cached")}
        ${auth("listener", "listener")}
        ${auth("next", "next")}
        ${auth(
          "cached",
          "listener",
          `
            proxy_cache auth;
            proxy_cache_key "$http_authorization|$session_token";
            proxy_cache_valid 204 1s;
            proxy_ignore_headers Cache-Control Set-Cookie;`,
        )}
    }
`,
  });
}

/** Starts Debian's nginx in the foreground with the bench's configuration, pinned to CPU 0 with `pin`. */
async function startNginx({ port, appPort, listenerPort, pin }) {
  const binary = nginxBinary();
  if (!binary) throw new Error("nginx is not installed (the forward-auth part measures behind it): apt-get install nginx, or leave the part out with --only");
  const prefix = mkdtempSync(path.join(os.tmpdir(), "vsa-bench-nginx-"));
  mkdirSync(path.join(prefix, "temp"));
  mkdirSync(path.join(prefix, "html"));
  writeFileSync(path.join(prefix, "html", FILE), `<!doctype html><title>bench</title><p>${"x".repeat(2048 - 40)}</p>\n`);
  writeFileSync(path.join(prefix, "nginx.conf"), nginxConf({ prefix, port, appPort, listenerPort }));
  const args = ["-p", prefix, "-c", path.join(prefix, "nginx.conf")];
  const child = pin ? spawn("taskset", ["-c", "0", binary, ...args], { stdio: "inherit" }) : spawn(binary, args, { stdio: "inherit" });
  let exitCode;
  const exited = new Promise((resolve) => child.on("exit", (code, signal) => resolve((exitCode = code ?? signal))));
  child.on("error", (error) => (exitCode = error.message));
  // The bench ends with process.exit: nginx must not outlive it and hold the port.
  const killOnExit = () => child.kill("SIGQUIT");
  process.on("exit", killOnExit);
  const stop = async () => {
    process.off("exit", killOnExit);
    child.kill("SIGQUIT");
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
    rmSync(prefix, { recursive: true, force: true });
  };
  await waitFor("nginx", async () => exitCode !== undefined || (await portOpen(port)), 10_000).catch(async (error) => {
    await stop();
    throw error;
  });
  if (exitCode !== undefined) {
    await stop();
    throw new Error(`nginx exited (${exitCode}) at startup: see its message above`);
  }
  return { pid: child.pid, stop };
}

const micros = (seconds, requests) => (seconds / requests) * 1e6;

/**
 * One autocannon run with what it cost: each server's CPU per request (the console's process
 * tree, nginx's), and how busy core 0 was (nginx and this process, the load generator, share it).
 */
async function loadWithCpu(target, base, options, { serverPid, nginxPid }) {
  const before = { console: treeCpuSeconds(serverPid), nginx: treeCpuSeconds(nginxPid), self: process.cpuUsage(), wall: process.hrtime.bigint() };
  const result = expectOnly(await runLoad({ url: `${base}${target.path}`, headers: target.headers, ...options }), target.status, target.name);
  const nginxSeconds = treeCpuSeconds(nginxPid) - before.nginx;
  const self = process.cpuUsage(before.self);
  const selfSeconds = (self.user + self.system) / 1e6;
  const wallSeconds = Number(process.hrtime.bigint() - before.wall) / 1e9;
  const requests = result.requests.total;
  return {
    result,
    consoleCpuMicros: micros(treeCpuSeconds(serverPid) - before.console, requests),
    nginxCpuMicros: micros(nginxSeconds, requests),
    loadGeneratorCpuPercent: (selfSeconds / wallSeconds) * 100,
    core0BusyPercent: ((selfSeconds + nginxSeconds) / wallSeconds) * 100,
  };
}

/** Each target's first answers: the status it is measured with, and nginx passing the user on. */
async function checkTargets(targets, base) {
  for (const target of targets) {
    target.setCookie = false;
    // Twice: the cached location's second answer comes from nginx's cache.
    for (let i = 0; i < 2; i++) {
      const response = await fetch(`${base}${target.path}`, { headers: target.headers });
      if (response.status !== target.status) throw new Error(`${target.name} answered ${response.status} through nginx, expected ${target.status}`);
      target.setCookie ||= response.headers.has("set-cookie");
      const guarded = !target.path.startsWith("/floor/") && target.status === 200;
      if (guarded && !response.headers.get("x-seen-user")) throw new Error(`${target.name}: nginx passed no X-Auth-User-Id on (no X-Seen-User)`);
    }
  }
}

/**
 * Throughput of each target at full load (alternating rounds) with each server's CPU per
 * request, then p50/p99 at a fixed rate, evenly paced (paced-load.mjs), for the floor and the
 * listener. `cookie` is the
 * bench's session cookie ({ value }); `beforeRound` renews it.
 */
export async function measureForwardAuth({ appPort, listenerPort, nginxPort, serverPid, pin, cookie, accessToken, rounds, durationSeconds, warmupSeconds, connections, fixedRate, beforeRound }) {
  const nginx = await startNginx({ port: nginxPort, appPort, listenerPort, pin });
  try {
    const base = `http://127.0.0.1:${nginxPort}`;
    const bearer = { authorization: `Bearer ${accessToken}` };
    const targets = [
      { name: "nginx static file (floor)", path: `/floor/${FILE}`, headers: {}, status: 200 },
      { name: "listener, cookie", path: `/listener/${FILE}`, headers: { cookie: cookie.value }, status: 200 },
      { name: "listener, Bearer", path: `/listener/${FILE}`, headers: bearer, status: 200 },
      { name: "listener, garbage Bearer (401)", path: `/listener/${FILE}`, headers: { authorization: "Bearer garbage.token.value" }, status: 401 },
      // A garbage token is refused before any cryptography (it does not start like a JOSE
      // header); this one is refused only by its signature, the dearest 401.
      { name: "listener, bad signature (401)", path: `/listener/${FILE}`, headers: { authorization: `Bearer ${accessToken.slice(0, -8)}AAAAAAAA` }, status: 401 },
      { name: "Next route, cookie", path: `/next/${FILE}`, headers: { cookie: cookie.value }, status: 200 },
      { name: "Next route, Bearer", path: `/next/${FILE}`, headers: bearer, status: 200 },
      { name: "listener + nginx cache 1 s, cookie", path: `/cached/${FILE}`, headers: { cookie: cookie.value }, status: 200 },
    ];
    const renewCookie = async () => {
      await beforeRound();
      for (const target of targets) if (target.headers.cookie) target.headers.cookie = cookie.value;
    };
    await renewCookie();
    await checkTargets(targets, base);
    for (const target of targets) await runLoad({ url: `${base}${target.path}`, headers: target.headers, duration: warmupSeconds, connections });

    const pids = { serverPid, nginxPid: nginx.pid };
    const throughputSamples = await alternatingRounds(targets, rounds, renewCookie, async (target) => {
      const { result, ...cost } = await loadWithCpu(target, base, { duration: durationSeconds, connections }, pids);
      return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, ...cost };
    });
    const throughput = targets.map((target) => {
      const runs = throughputSamples.get(target.name);
      return {
        route: target.name,
        requestsPerSecond: Math.round(medianOf(runs, "rps")),
        p50Ms: medianOf(runs, "p50"),
        p99Ms: medianOf(runs, "p99"),
        consoleCpuMicrosPerRequest: Math.round(medianOf(runs, "consoleCpuMicros")),
        nginxCpuMicrosPerRequest: Math.round(medianOf(runs, "nginxCpuMicros")),
        loadGeneratorCpuPercent: Math.round(medianOf(runs, "loadGeneratorCpuPercent")),
        core0BusyPercent: Math.round(medianOf(runs, "core0BusyPercent")),
        setCookie: target.setCookie,
        runs,
      };
    });

    const fixedTargets = targets.slice(0, 3);
    // The generator's own HTTP client warms up too: its first seconds are slower than the server.
    for (const target of fixedTargets) await runPacedLoad({ url: `${base}${target.path}`, headers: target.headers, rate: fixedRate, durationSeconds: Math.max(2, warmupSeconds), connections });
    const fixedSamples = await alternatingRounds(fixedTargets, rounds, renewCookie, async (target) =>
      expectOnly(await runPacedLoad({ url: `${base}${target.path}`, headers: target.headers, rate: fixedRate, durationSeconds, connections }), target.status, target.name),
    );
    const fixed = fixedTargets.map((target) => {
      const runs = fixedSamples.get(target.name);
      return {
        route: target.name,
        rate: fixedRate,
        achievedPerSecond: medianOf(runs, "achievedPerSecond"),
        p50Ms: medianOf(runs, "p50Ms"),
        p99Ms: medianOf(runs, "p99Ms"),
        p999Ms: medianOf(runs, "p999Ms"),
        maxMs: Math.max(...runs.map((run) => run.maxMs)),
        runs,
      };
    });
    return { throughput, fixed };
  } finally {
    await nginx.stop();
  }
}
