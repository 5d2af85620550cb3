import { describe, expect, it } from "vitest";
import { parseOrgsCliArguments } from "@/lib/organisation-admin/orgs-cli-arguments";

describe("npm run orgs arguments", () => {
  it("reads each command", () => {
    expect(parseOrgsCliArguments(["list"])).toEqual({ ok: true, command: { kind: "list" } });
    expect(parseOrgsCliArguments(["create", "acme", "Acme Ltd"])).toEqual({ ok: true, command: { kind: "create", slug: "acme", name: "Acme Ltd" } });
    expect(parseOrgsCliArguments(["add-domain", "acme", "acme.test"])).toEqual({ ok: true, command: { kind: "add-domain", slug: "acme", domain: "acme.test" } });
    expect(parseOrgsCliArguments(["verify-domain", "acme", "acme.test", "--mark"])).toEqual({ ok: true, command: { kind: "verify-domain", slug: "acme", domain: "acme.test", mark: true } });
    expect(parseOrgsCliArguments(["verify-domain", "acme", "acme.test"])).toMatchObject({ ok: true, command: { mark: false } });
    expect(parseOrgsCliArguments(["disable-connection", "acme", "c-1", "--end-sessions"])).toEqual({
      ok: true,
      command: { kind: "disable-connection", slug: "acme", connectionId: "c-1", endSessions: true },
    });
    expect(parseOrgsCliArguments(["enable-connection", "acme", "c-1"])).toEqual({ ok: true, command: { kind: "enable-connection", slug: "acme", connectionId: "c-1" } });
  });

  it("reads add-connection's options, the secret only as a file", () => {
    const parsed = parseOrgsCliArguments([
      "add-connection", "acme", "--issuer", "https://idp.acme.test", "--client-id", "console", "--client-secret-file", "-", "--domains", "acme.test, acme.eu",
      "--role-claim", "groups", "--role-map", '{"a":"admin"}',
    ]);
    expect(parsed).toEqual({
      ok: true,
      command: {
        kind: "add-connection", slug: "acme", issuer: "https://idp.acme.test", clientId: "console", clientSecretFile: "-", domains: ["acme.test", "acme.eu"],
        name: undefined, scopes: undefined, roleClaim: "groups", roleMap: '{"a":"admin"}',
      },
    });
    // A secret on the command line would show in `ps` and the shell's history: there is no option for it.
    expect(parseOrgsCliArguments(["add-connection", "acme", "--issuer", "https://i", "--client-id", "c", "--client-secret", "s", "--domains", "a.test"])).toMatchObject({ ok: false, message: expect.stringContaining('unknown option "--client-secret"') });
  });

  it("names what is wrong", () => {
    expect(parseOrgsCliArguments([])).toEqual({ ok: false, message: "no command given" });
    expect(parseOrgsCliArguments(["bogus"])).toEqual({ ok: false, message: 'unknown command "bogus"' });
    expect(parseOrgsCliArguments(["create", "acme"])).toMatchObject({ ok: false, message: expect.stringContaining("create takes SLUG NAME") });
    expect(parseOrgsCliArguments(["verify-domain", "acme", "a.test", "--force"])).toMatchObject({ ok: false, message: expect.stringContaining('unknown option "--force"') });
    expect(parseOrgsCliArguments(["add-connection", "acme", "--issuer", "https://i"])).toMatchObject({ ok: false, message: "add-connection needs --client-id" });
    expect(parseOrgsCliArguments(["add-connection", "acme", "--issuer"])).toMatchObject({ ok: false, message: "--issuer needs a value" });
    expect(parseOrgsCliArguments(["add-connection", "acme", "--issuer", "a", "--issuer", "b"])).toMatchObject({ ok: false, message: "--issuer is given twice" });
  });
});
