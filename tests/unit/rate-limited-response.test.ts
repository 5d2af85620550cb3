import { describe, expect, it } from "vitest";
import { rateLimitedResponse } from "@/lib/rate-limits/rate-limited-response";

const APP = "http://localhost:3000";
const login = (headers: Record<string, string>) => new Request(`${APP}/api/auth/login`, { headers });

describe("rateLimitedResponse", () => {
  it.each([
    ["curl", { accept: "*/*" }],
    ["fetch()", { accept: "*/*", "sec-fetch-mode": "cors" }],
    ["a JSON client", { accept: "application/json" }],
    ["no Accept at all", {}],
    ["a script that also takes HTML", { accept: "application/json, text/html;q=0.5" }],
  ])("answers %s with 429 JSON rate_limited and Retry-After", async (_label, headers) => {
    const response = rateLimitedResponse(login(headers), 42, APP);
    expect(response.status).toBe(429);
    expect(response.headers.get("retry-after")).toBe("42");
    expect(response.headers.get("cache-control")).toBe("no-store");
    const body = await response.json();
    expect(body).toEqual({ error: "rate_limited", message: expect.stringContaining("42 seconds") });
  });

  it.each([
    ["a navigation", { "sec-fetch-mode": "navigate", accept: "*/*" }],
    ["a browser without Sec-Fetch headers", { accept: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8" }],
  ])("sends %s to the sign-in error page instead of showing JSON", (_label, headers) => {
    const response = rateLimitedResponse(login(headers), 42, APP);
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe(`${APP}/signin/error?error=rate_limited`);
    expect(response.headers.get("cache-control")).toBe("no-store");
  });

  it("trusts Sec-Fetch-Mode over Accept: a fetch() asking for HTML is still a script", () => {
    expect(rateLimitedResponse(login({ "sec-fetch-mode": "cors", accept: "text/html" }), 1, APP).status).toBe(429);
  });
});
