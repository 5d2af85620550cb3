import { describe, expect, it } from "vitest";
import { forwardAuthAnswer } from "@/lib/access/forward-auth";
import { toResponse } from "@/lib/answer";
import type { SessionIdentity } from "@/lib/credentials/session-cookie";

// As both entry points send it: the Next route as a Response, the listener from the same data.
const forwardAuthResponse = (...args: Parameters<typeof forwardAuthAnswer>) => toResponse(forwardAuthAnswer(...args));

const caller = (role: SessionIdentity["role"]): SessionIdentity => ({
  userId: "user-1", role, familyId: "f", via: "bearer", email: "a@example.com", name: null, expiresAt: 0,
});

describe("forwardAuthAnswer", () => {
  it("answers 204 with who the caller is", () => {
    const response = forwardAuthResponse(caller("viewer"), null);
    expect(response.status).toBe(204);
    expect(response.headers.get("x-auth-user-id")).toBe("user-1");
    expect(response.headers.get("x-auth-email")).toBe("a@example.com");
    expect(response.headers.get("x-auth-role")).toBe("viewer");
  });

  it("never encodes the email: one a header cannot carry as it is is not sent, instead of failing or being ambiguous", () => {
    for (const email of ["用户@例子.广告", "a b@example.com", "a\tb@example.com"]) {
      const response = forwardAuthResponse({ ...caller("viewer"), email }, null);
      expect(response.status).toBe(204);
      expect(response.headers.get("x-auth-email")).toBe("");
      expect(response.headers.get("x-auth-user-id")).toBe("user-1");
    }
    // A literal "%40" stays literal: nothing is ever decoded or encoded.
    const literal = forwardAuthResponse({ ...caller("viewer"), email: "a%40b@example.com" }, null);
    expect(literal.headers.get("x-auth-email")).toBe("a%40b@example.com");
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
