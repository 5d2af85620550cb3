import { describe, expect, it } from "vitest";
import { verifiedEmail } from "@/lib/oidc/verified-email";
import { emailDomainAllowed } from "@/lib/organisations/email-domain-rule";

const allowed = ["a-company.com", "xn--bcher-kva.example"];

describe("emailDomainAllowed: a connection signs in only emails of its verified domains", () => {
  it.each(["someone@a-company.com", "Someone@A-Company.COM", "x@bücher.example"])("lets %s in", (email) => {
    expect(emailDomainAllowed(email, allowed)).toEqual({ ok: true });
  });

  it.each([
    ["another organisation's domain", "someone@b-company.com"],
    ["a subdomain that was not verified", "someone@eu.a-company.com"],
    ["a domain that only ends like it", "someone@evil-a-company.com"],
    ["a domain that only starts like it", "someone@a-company.com.evil.test"],
    ["no domain", "someone@"],
    ["no @ at all", "a-company.com"],
    ["a quoted local part hiding an @", '"x@a-company.com"@b-company.com'],
  ])("refuses %s (domain_not_allowed)", (_, email) => {
    expect(emailDomainAllowed(email, allowed)).toEqual({ ok: false, code: "domain_not_allowed" });
  });

  it("refuses an email the IdP does not vouch for, even of an allowed domain", () => {
    const email = verifiedEmail({ email: "someone@a-company.com", email_verified: false });
    expect(emailDomainAllowed(email, allowed)).toEqual({ ok: false, code: "email_not_verified" });
  });

  it("refuses everyone when the connection was given no domain", () => {
    expect(emailDomainAllowed("someone@a-company.com", [])).toEqual({ ok: false, code: "domain_not_allowed" });
  });
});
