#!/usr/bin/env node
// Runs Debian's nginx in the foreground with deploy/nginx-console.conf, exactly as shipped but
// for its addresses: the ports of this suite replace the example ones. Every replacement must
// match exactly once, so the file and this suite cannot drift apart unnoticed.
//
// The same nginx also plays the "reports" app behind the console (a second server block, not
// the project's code): it answers with the identity headers it received, so the suite sees what
// the upstream would.
import { spawn } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { nginxBinary, nginxMainConf } from "../../scripts/nginx-conf.mjs";

const root = path.resolve(import.meta.dirname, "../..");
const [nginxPort, portA, portB, reportsPort, forwardAuthPortA, forwardAuthPortB, prefixDir] = process.argv.slice(2);
const prefix = path.resolve(root, prefixDir);
mkdirSync(path.join(prefix, "temp"), { recursive: true });

let conf = readFileSync(path.join(root, "deploy/nginx-console.conf"), "utf8");
for (const [example, actual] of [
  ["server 127.0.0.1:3000 ", `server 127.0.0.1:${portA} `],
  ["server 127.0.0.1:3001 ", `server 127.0.0.1:${portB} `],
  ["server 127.0.0.1:3010 ", `server 127.0.0.1:${forwardAuthPortA} `],
  ["server 127.0.0.1:3011 ", `server 127.0.0.1:${forwardAuthPortB} `],
  ["server 127.0.0.1:8000;", `server 127.0.0.1:${reportsPort};`],
  ["listen 8080;", `listen 127.0.0.1:${nginxPort};`],
]) {
  const count = conf.split(example).length - 1;
  if (count !== 1) throw new Error(`deploy/nginx-console.conf: expected "${example}" once, found it ${count} times`);
  conf = conf.replace(example, actual);
}
writeFileSync(path.join(prefix, "console.conf"), conf);
// Its include, beside it as the config's own comment asks (nginx resolves it from nginx.conf's directory).
writeFileSync(path.join(prefix, "nginx-console-proxy-headers.conf"), readFileSync(path.join(root, "deploy/nginx-console-proxy-headers.conf"), "utf8"));
writeFileSync(
  path.join(prefix, "nginx.conf"),
  nginxMainConf({
    prefix,
    workerConnections: 512,
    accessLog: path.join(prefix, "access.log"),
    http: `    include ${path.join(prefix, "console.conf")};

    server {
        listen 127.0.0.1:${reportsPort};
        default_type application/json;
        location /admin/ { return 200 '{"page":"admin","X-Auth-Email":"$http_x_auth_email","X-Auth-Role":"$http_x_auth_role"}'; }
        location / { return 200 '{"page":"$uri","X-Auth-User-Id":"$http_x_auth_user_id","X-Auth-Email":"$http_x_auth_email","X-Auth-Role":"$http_x_auth_role","Cookie":"$http_cookie","Authorization":"$http_authorization","X-Forwarded-For":"$http_x_forwarded_for","X-Request-Id":"$http_x_request_id"}'; }
    }`,
  }),
);
const nginx = nginxBinary() ?? "nginx";
const child = spawn(nginx, ["-p", prefix, "-c", path.join(prefix, "nginx.conf")], { stdio: "inherit" });
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill("SIGQUIT"));
child.on("exit", (code) => process.exit(code ?? 0));
