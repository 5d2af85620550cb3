import http from "node:http";
import type { AddressInfo } from "node:net";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runtimeHeaders } from "@/lib/http/runtime-headers";
import { installRequestObserver } from "@/lib/observability/request-observer";

// A server that answers like a static file or the JWKS would: nothing of its own sets the runtime headers.
const server = http.createServer((request, response) => {
  response.setHeader("Content-Type", request.url === "/.well-known/jwks.json" ? "application/json" : "text/css");
  response.end("{}");
});
let base = "";

beforeAll(async () => {
  installRequestObserver({
    trustProxyRequestId: false,
    logger: pino({ enabled: false }),
    runtimeHeaders: runtimeHeaders({ secureCookies: true, instanceId: "a" }),
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe("the runtime headers, set in one place for every response", () => {
  it.each(["/.well-known/jwks.json", "/_next/static/chunks/app.css", "/api/auth/callback/oidc", "/profile"])("%s gets HSTS, X-Instance and a request id", async (path) => {
    const response = await fetch(`${base}${path}`);
    expect(response.headers.get("strict-transport-security")).toBe("max-age=63072000; includeSubDomains");
    expect(response.headers.get("x-instance")).toBe("a");
    expect(response.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("sends no HSTS over plain http and no X-Instance without INSTANCE_ID", () => {
    expect(runtimeHeaders({ secureCookies: false, instanceId: undefined })).toEqual({});
    expect(runtimeHeaders({ secureCookies: false, instanceId: "b" })).toEqual({ "X-Instance": "b" });
  });
});
