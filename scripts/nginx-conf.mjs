// What every nginx this repository runs in the foreground shares (the deployment suite's,
// tests/support/start-nginx.mjs, and the bench's, scripts/bench/forward-auth.mjs): Debian's
// binary, and a main configuration whose pid, logs and temporary files stay under its prefix.
import { existsSync } from "node:fs";
import path from "node:path";

/** Debian's nginx, or one installed under /usr/local; undefined when there is none. */
export function nginxBinary() {
  return ["/usr/sbin/nginx", "/usr/local/sbin/nginx"].find((candidate) => existsSync(candidate));
}

/** nginx.conf around `http` (the http block's own directives), for `nginx -p prefix`; the caller creates prefix/temp. */
export function nginxMainConf({ prefix, workerConnections, accessLog, http }) {
  const temp = (name) => path.join(prefix, "temp", name);
  return `daemon off;
${process.getuid?.() === 0 ? "user root; # the workers write the temporary files under the prefix\n" : ""}worker_processes 1;
pid ${path.join(prefix, "nginx.pid")};
error_log ${path.join(prefix, "error.log")} warn;
events { worker_connections ${workerConnections}; }
http {
    access_log ${accessLog};
    client_body_temp_path ${temp("client_body")};
    proxy_temp_path ${temp("proxy")};
    fastcgi_temp_path ${temp("fastcgi")};
    uwsgi_temp_path ${temp("uwsgi")};
    scgi_temp_path ${temp("scgi")};
${http}
}
`;
}
