import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientAddress } from "@/lib/http/client-address";
import { installPeerAddressHook } from "@/lib/http/peer-address-hook";

// A real Node HTTP server, as `next start` runs one: the hook must act before any listener
// reads the request. Requests come from distinct loopback source addresses.
let proxyWarnings = 0;
installPeerAddressHook(0, () => proxyWarnings++);

let seen: Request[] = [];
const server = http.createServer((req, res) => {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) if (typeof value === "string") headers.set(name, value);
  seen.push(new Request(`http://localhost${req.url}`, { headers }));
  res.end();
});
let port = 0;
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function send(localAddress: string, headers: Record<string, string> = {}) {
  return new Promise<void>((resolve, reject) => {
    const request = http.request({ host: "127.0.0.1", port, localAddress, path: "/", headers }, (response) => {
      response.resume();
      response.on("end", resolve);
    });
    request.on("error", reject);
    request.end();
  });
}

describe("installPeerAddressHook with TRUSTED_PROXY_COUNT = 0", () => {
  it("replaces a client-sent X-Forwarded-For with the socket's address", async () => {
    seen = [];
    await send("127.0.0.2", { "X-Forwarded-For": "203.0.113.9" });
    await send("127.0.0.3", { "X-Forwarded-For": "203.0.113.9, 198.51.100.1" });
    await send("127.0.0.4");
    expect(seen.map((request) => clientAddress(request, 0))).toEqual(["127.0.0.2", "127.0.0.3", "127.0.0.4"]);
    expect(seen.map((request) => request.headers.get("x-forwarded-for"))).not.toContain("203.0.113.9");
  });

  it("says once that a proxy on this machine is not trusted: X-Forwarded-For from loopback", async () => {
    await send("127.0.0.6", { "X-Forwarded-For": "203.0.113.9" });
    await send("127.0.0.7", { "X-Forwarded-For": "203.0.113.10" });
    expect(proxyWarnings).toBe(1);
  });

  it("overwrites a client's attempt to send the hook's own mark", async () => {
    seen = [];
    await send("127.0.0.5", { "X-Forwarded-For": "203.0.113.9", "X-Vsa-Peer-Checked": "forged" });
    expect(clientAddress(seen[0]!, 0)).toBe("127.0.0.5");
  });
});
