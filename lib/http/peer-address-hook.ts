import { randomBytes } from "node:crypto";
import http from "node:http";

/**
 * Carries a per-process secret on every request the hook saw: proof, for the route
 * handlers, that X-Forwarded-For was set by this process and not by the client.
 */
const PEER_CHECKED_HEADER = "x-vsa-peer-checked";

// On globalThis: instrumentation and each route handler are bundled separately, and a
// module-level value would not be shared between them.
const PROOF_KEY = Symbol.for("voicesurveyagent.peerAddressProof");
const processGlobals = globalThis as Record<symbol, string | undefined>;

/**
 * Node.js only, once per process (instrumentation.ts). Makes X-Forwarded-For trustworthy
 * for clientAddress():
 *
 * - With TRUSTED_PROXY_COUNT = 0 it replaces X-Forwarded-For with the socket's address.
 *   Next's server fills that header from the socket only when it is absent
 *   (`req.headers['x-forwarded-for'] ??= socket.remoteAddress`, next/dist/server/base-server.js),
 *   so a client-sent value would survive, the socket's address would be lost, and every
 *   forged value would get a fresh rate-limit bucket. Route handlers never see the socket.
 * - It marks each request it saw with PEER_CHECKED_HEADER. `next start` listens before it
 *   runs instrumentation (in Next's own start-server module), so a request that reaches
 *   the server in between passes unhooked: without the mark, its address counts as unknown
 *   instead of as whatever it claims.
 *
 * It wraps http.Server's `emit` because every request passes there before Next reads it.
 * `onProxyBehindLoopback` is told, once, of X-Forwarded-For arriving from loopback while
 * TRUSTED_PROXY_COUNT is 0: a proxy on this machine the configuration forgot.
 */
export function installPeerAddressHook(trustedProxyCount: number, onProxyBehindLoopback: () => void = () => {}): void {
  if (processGlobals[PROOF_KEY]) return;
  let warned = false;
  const proof = randomBytes(18).toString("base64url");
  processGlobals[PROOF_KEY] = proof;
  const emit = http.Server.prototype.emit;
  http.Server.prototype.emit = function emitWithPeerAddress(this: http.Server, event: string | symbol, ...args: unknown[]) {
    if (event === "request") {
      const request = args[0] as http.IncomingMessage;
      if (trustedProxyCount === 0) {
        // A proxy on this machine (the shipped nginx) that the configuration does not trust:
        // every client then looks like 127.0.0.1 and shares one rate-limit bucket. Said once.
        if (!warned && request.headers["x-forwarded-for"] !== undefined && isLoopback(request.socket.remoteAddress)) {
          warned = true;
          onProxyBehindLoopback();
        }
        if (request.socket.remoteAddress) request.headers["x-forwarded-for"] = request.socket.remoteAddress;
        else delete request.headers["x-forwarded-for"];
      }
      request.headers[PEER_CHECKED_HEADER] = proof;
    }
    return Reflect.apply(emit, this, [event, ...args]) as boolean;
  };
}

function isLoopback(address: string | undefined): boolean {
  return address !== undefined && (address === "::1" || address.startsWith("127.") || address.startsWith("::ffff:127."));
}

/** Whether the hook saw this request (always false when it is not installed). */
export function passedPeerAddressHook(headers: Headers): boolean {
  const proof = processGlobals[PROOF_KEY];
  return proof !== undefined && headers.get(PEER_CHECKED_HEADER) === proof;
}
