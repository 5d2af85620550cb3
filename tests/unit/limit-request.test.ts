import { afterEach, describe, expect, it, vi } from "vitest";
import { captureLogs } from "../support/captured-logs";
import { loadEnv } from "@/lib/config/env";
import { limitRequest, limitRequestByUser } from "@/lib/rate-limits/limit-request";

const base = { AUTH_SECRET: "unit-test-secret-0123456789abcdefghijklmnop", API_TOKEN_SIGNING_KEY: "{}" };
const request = () => new Request("http://localhost:3000/api/auth/login", { headers: { "x-forwarded-for": "203.0.113.9" } });

afterEach(() => vi.restoreAllMocks());

describe("limitRequest", () => {
  it("lets everything through when the limit is off, without touching a database", async () => {
    const logged = vi.spyOn(console, "error");
    const env = loadEnv({ ...base, RATE_LIMIT_BACKCHANNEL_LOGOUT: "off", RATE_LIMIT_TOKEN: "off" });
    for (let i = 0; i < 5; i++) expect(await limitRequest(request(), "backchannelLogout", env)).toBeNull();
    expect(await limitRequestByUser(request(), "token", "user-1", env)).toBeNull();
    expect(logged).not.toHaveBeenCalled();
  });

  it("never throws: without a database to count in, it lets the request through and says why", async () => {
    const logs = captureLogs();
    try {
      const env = loadEnv(base); // no DATABASE_URL
      expect(await limitRequest(request(), "callback", env)).toBeNull();
      expect(logs.entries()).toContainEqual(expect.objectContaining({ level: "error", event: "rate_limit_unavailable", msg: "no limiter for callback, letting the request through" }));
    } finally {
      logs.stop();
    }
  });
});
