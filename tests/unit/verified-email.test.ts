import { describe, expect, it } from "vitest";
import { verifiedEmail } from "@/lib/oidc/verified-email";

describe("verifiedEmail", () => {
  it("takes an email the IdP verified, lowercased", () => {
    expect(verifiedEmail({ email: "Alice@Example.COM", email_verified: true })).toBe("alice@example.com");
  });

  it("takes Entra ID's xms_edov (email domain owner verified) as a verification, the boolean only", () => {
    expect(verifiedEmail({ email: "Pat@Contoso.com", xms_edov: true })).toBe("pat@contoso.com");
    expect(verifiedEmail({ email: "pat@contoso.com", xms_edov: "true" })).toBeNull();
    expect(verifiedEmail({ email: "pat@contoso.com", xms_edov: false, email_verified: false })).toBeNull();
  });

  it.each([
    ["a missing email_verified", { email: "a@example.com" }],
    ["email_verified false", { email: "a@example.com", email_verified: false }],
    ['the string "false"', { email: "a@example.com", email_verified: "false" }],
    ['the string "true" (not the boolean)', { email: "a@example.com", email_verified: "true" }],
    ["email_verified 1", { email: "a@example.com", email_verified: 1 }],
    ["no email", { email_verified: true }],
    ["an email that is not a string", { email: ["a@example.com"], email_verified: true }],
  ])("refuses %s", (_, claims) => {
    expect(verifiedEmail(claims)).toBeNull();
  });
});
