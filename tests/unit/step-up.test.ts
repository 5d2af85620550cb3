import { describe, expect, it } from "vitest";
import { evaluateStepUp, stepUpChallenge } from "@/lib/access/step-up";

const NOW = 1_800_000_000;

describe("evaluateStepUp", () => {
  it("admits an authentication within the window, of an accepted class", () => {
    expect(evaluateStepUp({ reauthenticateWithinSeconds: 300 }, { authTime: NOW - 299, acr: null }, NOW)).toEqual({ ok: true });
    expect(evaluateStepUp({ acr: ["phr", "phrh"] }, { authTime: null, acr: "phrh" }, NOW)).toEqual({ ok: true });
    expect(evaluateStepUp({}, { authTime: null, acr: null }, NOW)).toEqual({ ok: true });
  });

  it.each([
    ["older than the window", { reauthenticateWithinSeconds: 300 }, { authTime: NOW - 301, acr: null }, "too_old"],
    ["with no auth_time at all (an IdP that ignored max_age)", { reauthenticateWithinSeconds: 300 }, { authTime: null, acr: null }, "no_auth_time"],
    ["of another class", { acr: ["phrh"] }, { authTime: NOW, acr: "pwd" }, "acr"],
    ["of no stated class", { acr: ["phrh"] }, { authTime: NOW, acr: null }, "acr"],
  ])("refuses an authentication %s, for that reason", (_name, policy, authentication, reason) => {
    expect(evaluateStepUp(policy, authentication, NOW)).toMatchObject({ ok: false, code: "insufficient_user_authentication", reason });
  });

  it("challenges as RFC 9470 §3 shows, with max_age and acr_values when the policy names them", () => {
    const verdict = evaluateStepUp({ reauthenticateWithinSeconds: 300, acr: ["phr", "phrh"] }, { authTime: NOW - 900, acr: "phr" }, NOW);
    if (verdict.ok) throw new Error("expected a refusal");
    expect(stepUpChallenge(verdict, "voicesurveyagent")).toBe(
      'Bearer realm="voicesurveyagent", error="insufficient_user_authentication", error_description="A more recent or stronger authentication is required", max_age=300, acr_values="phr phrh"',
    );
    const acrOnly = evaluateStepUp({ acr: ["phrh"] }, { authTime: NOW, acr: null }, NOW);
    if (acrOnly.ok) throw new Error("expected a refusal");
    expect(stepUpChallenge(acrOnly, "r")).not.toContain("max_age");
  });
});
