import { describe, expect, it } from "vitest";
import { forwardAuthResponse } from "@/lib/auth/policy/forward-auth";
import type { SessionIdentity } from "@/lib/auth/edge/session-cookie";

const caller = (role: SessionIdentity["role"]): SessionIdentity => ({
  userId: "user-1", role, familyId: "f", via: "bearer", email: "a@example.com", name: null, expiresAt: 0,
});

describe("forwardAuthResponse", () => {
  it("answers 204 with who the caller is", () => {
    const response = forwardAuthResponse(caller("viewer"), null);
    expect(response.status).toBe(204);
    expect(response.headers.get("x-auth-user-id")).toBe("user-1");
    expect(response.headers.get("x-auth-email")).toBe("a@example.com");
    expect(response.headers.get("x-auth-role")).toBe("viewer");
  });

  it("percent-encodes an email that is not printable ASCII, instead of failing", () => {
    const response = forwardAuthResponse({ ...caller("viewer"), email: "用户@例子.广告" }, null);
    expect(response.status).toBe(204);
    expect(decodeURIComponent(response.headers.get("x-auth-email")!)).toBe("用户@例子.广告");
  });

  it.each([
    ["viewer", "viewer", 204],
    ["campaign_manager", "viewer", 204],
    ["admin", "campaign_manager", 204],
    ["viewer", "campaign_manager", 403],
    ["campaign_manager", "admin", 403],
    ["viewer", "admin,campaign_manager", 403],
    ["campaign_manager", "admin,campaign_manager", 204],
    ["admin", "superuser", 400],
  ] as const)("a %s asking for %s gets %i", async (role, required, status) => {
    const response = forwardAuthResponse(caller(role), required);
    expect(response.status).toBe(status);
    if (status === 403) expect(await response.json()).toMatchObject({ error: "forbidden" });
    if (status !== 204) expect(response.headers.get("x-auth-user-id")).toBeNull();
  });
});
