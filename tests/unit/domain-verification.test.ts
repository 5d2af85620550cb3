import dgram from "node:dgram";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { checkDomainVerification, newVerificationToken, parseDomain, verificationRecordName } from "@/lib/organisations/domain-verification";
import { startTestDnsServer } from "../support/test-dns-server";

describe("parseDomain", () => {
  it.each([
    ["Example.COM", "example.com"],
    ["  acme.test. ", "acme.test"],
    ["bücher.example", "xn--bcher-kva.example"],
    ["mail.a-company.co.uk", "mail.a-company.co.uk"],
  ])("%s → %s", (input, domain) => {
    expect(parseDomain(input)).toEqual({ ok: true, domain });
  });

  it.each(["", "localhost", "10.0.0.1", "[::1]", "a..b", "-acme.test", "acme-.test", "acme test.com", `${"a".repeat(64)}.com`, "under_score.com", "@example.com"])("refuses %j with a reason", (input) => {
    const parsed = parseDomain(input);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.message.length).toBeGreaterThan(10);
  });
});

describe("newVerificationToken", () => {
  it("is fresh every time and long enough not to be guessed", () => {
    const tokens = new Set(Array.from({ length: 50 }, newVerificationToken));
    expect(tokens.size).toBe(50);
    for (const token of tokens) expect(token).toMatch(/^vsa-domain-verification=[A-Za-z0-9_-]{32}$/);
  });
});

describe("checkDomainVerification, against a DNS server on loopback", () => {
  let dns: Awaited<ReturnType<typeof startTestDnsServer>>;
  const token = newVerificationToken();
  const check = (domain: string) => checkDomainVerification(domain, token, { servers: [dns.address], timeoutMs: 1000 });

  beforeAll(async () => {
    dns = await startTestDnsServer();
  });
  afterAll(() => dns.close());
  beforeEach(() => dns.records.clear());

  it("verifies a domain whose record holds the token, among other TXT values, asking the configured server", async () => {
    dns.records.set(verificationRecordName("acme.test"), [["v=spf1 -all"], [token]]);
    expect(await check("acme.test")).toEqual({ verified: true });
    expect(dns.queries).toContain("_vsa-verification.acme.test");
  });

  it("joins a value published as several strings (TXT strings are at most 255 bytes)", async () => {
    dns.records.set(verificationRecordName("acme.test"), [[token.slice(0, 10), token.slice(10)]]);
    expect(await check("acme.test")).toEqual({ verified: true });
  });

  it("refuses a record holding another token, or the token only as part of a value", async () => {
    dns.records.set(verificationRecordName("acme.test"), [[newVerificationToken()], [`${token}x`], [token.slice(0, -1)]]);
    const result = await check("acme.test");
    expect(result).toMatchObject({ verified: false, code: "token_mismatch" });
  });

  it("refuses a domain without the record (NXDOMAIN), and one whose record is on another name", async () => {
    expect(await check("acme.test")).toMatchObject({ verified: false, code: "record_missing" });
    dns.records.set("acme.test", [[token]]);
    expect(await check("acme.test")).toMatchObject({ verified: false, code: "record_missing" });
  });

  it("says the DNS is unreachable when no server answers", async () => {
    // A UDP port that is bound but never answers: the lookup can only time out.
    const silent = dgram.createSocket("udp4");
    await new Promise<void>((resolve) => silent.bind(0, "127.0.0.1", resolve));
    try {
      const result = await checkDomainVerification("acme.test", token, { servers: [`127.0.0.1:${silent.address().port}`], timeoutMs: 300 });
      expect(result).toMatchObject({ verified: false, code: "dns_unreachable" });
    } finally {
      silent.close();
    }
  });
});
