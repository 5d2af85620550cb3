import http from "node:http";
import type { AddressInfo } from "node:net";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ERROR_CODE_HEADER, apiError } from "@/lib/errors/api-errors";
import { runtimeHeaders } from "@/lib/http/runtime-headers";
import { installRequestObserver } from "@/lib/observability/request-observer";

// A server that answers like a static file or the JWKS would: nothing of its own sets the runtime headers.
const lines: Record<string, unknown>[] = [];
const server = http.createServer(async (request, response) => {
  if (request.url === "/api/limited") {
    // As Next relays a route's Response: its headers set one by one, then the body.
    const answer = apiError("rate_limited", { headers: { "Retry-After": "7" } });
    answer.headers.forEach((value, name) => response.setHeader(name, value));
    response.statusCode = answer.status;
    response.end(await answer.text());
    return;
  }
  if (request.url === "/api/teapot") {
    response.statusCode = 418;
    response.end();
    return;
  }
  response.setHeader("Content-Type", request.url === "/.well-known/jwks.json" ? "application/json" : "text/css");
  response.end("{}");
});
let base = "";

beforeAll(async () => {
  installRequestObserver({
    trustProxyRequestId: false,
    logger: pino({ level: "info" }, { write: (line: string) => void lines.push(JSON.parse(line)) }),
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

  it("logs an API refusal's code from the answer itself, and takes the header that carries it off the answer", async () => {
    const response = await fetch(`${base}/api/limited`);
    expect(response.status).toBe(429);
    expect(response.headers.get(ERROR_CODE_HEADER)).toBeNull();
    expect(response.headers.get("retry-after")).toBe("7");
    expect(await response.json()).toMatchObject({ error: "rate_limited" });
    await fetch(`${base}/api/teapot`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(lines.find((line) => line.path === "/api/limited")).toMatchObject({ event: "request", status: 429, refusal: "rate_limited" });
    // An answer no code came with is named by its status, never guessed from it.
    expect(lines.find((line) => line.path === "/api/teapot")).toMatchObject({ status: 418, refusal: "http_418" });
  });

  it("sends no HSTS over plain http and no X-Instance without INSTANCE_ID", () => {
    expect(runtimeHeaders({ secureCookies: false, instanceId: undefined })).toEqual({});
    expect(runtimeHeaders({ secureCookies: false, instanceId: "b" })).toEqual({ "X-Instance": "b" });
  });
});
