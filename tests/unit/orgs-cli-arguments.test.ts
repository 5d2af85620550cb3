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

  it("reads change-connection as add-connection's options after the connection's id", () => {
    const parsed = parseOrgsCliArguments(["change-connection", "acme", "c-1", "--issuer", "https://idp.acme.test", "--client-id", "console", "--client-secret-file", "/run/secret", "--domains", "acme.test"]);
    expect(parsed).toMatchObject({ ok: true, command: { kind: "change-connection", slug: "acme", connectionId: "c-1", issuer: "https://idp.acme.test", clientSecretFile: "/run/secret", domains: ["acme.test"] } });
    expect(parseOrgsCliArguments(["change-connection", "acme", "--issuer", "https://i"])).toMatchObject({ ok: false, message: "change-connection takes SLUG CONNECTION_ID first, then its options" });
    expect(parseOrgsCliArguments(["change-connection", "acme", "c-1", "--issuer", "https://i"])).toMatchObject({ ok: false, message: "change-connection needs --client-id" });
  });

  it("reads setup-link with its hours, whole ones only", () => {
    expect(parseOrgsCliArguments(["setup-link", "acme"])).toEqual({ ok: true, command: { kind: "setup-link", slug: "acme", hours: undefined } });
    expect(parseOrgsCliArguments(["setup-link", "acme", "--hours", "48"])).toEqual({ ok: true, command: { kind: "setup-link", slug: "acme", hours: 48 } });
    expect(parseOrgsCliArguments(["setup-link", "acme", "--hours", "1.5"])).toMatchObject({ ok: false, message: '--hours takes a whole number of hours, not "1.5"' });
    expect(parseOrgsCliArguments(["setup-link", "--hours", "2"])).toMatchObject({ ok: false, message: expect.stringContaining("setup-link takes SLUG first") });
    expect(parseOrgsCliArguments(["setup-link", "acme", "--days", "2"])).toMatchObject({ ok: false, message: expect.stringContaining('unknown option "--days"') });
  });

  it("reads the directory's commands: tokens and group roles", () => {
    expect(parseOrgsCliArguments(["directory-token", "acme", "--name", "Entra ID"])).toEqual({ ok: true, command: { kind: "directory-token", slug: "acme", name: "Entra ID" } });
    expect(parseOrgsCliArguments(["rotate-directory-token", "acme", "t-1", "--overlap-hours", "0"])).toEqual({ ok: true, command: { kind: "rotate-directory-token", slug: "acme", tokenId: "t-1", overlapHours: 0 } });
    expect(parseOrgsCliArguments(["revoke-directory-token", "acme", "t-1"])).toEqual({ ok: true, command: { kind: "revoke-directory-token", slug: "acme", tokenId: "t-1" } });
    expect(parseOrgsCliArguments(["group-role", "acme", "VSA Admins", "admin"])).toEqual({ ok: true, command: { kind: "group-role", slug: "acme", group: "VSA Admins", role: "admin" } });
    expect(parseOrgsCliArguments(["group-role", "acme", "VSA Admins", "none"])).toEqual({ ok: true, command: { kind: "group-role", slug: "acme", group: "VSA Admins", role: null } });
    expect(parseOrgsCliArguments(["group-role", "acme", "VSA Admins", "owner"])).toMatchObject({ ok: false, message: expect.stringContaining('not "owner"') });
    expect(parseOrgsCliArguments(["rotate-directory-token", "acme", "t-1", "--overlap-hours", "a day"])).toMatchObject({ ok: false, message: expect.stringContaining("whole number") });
  });

  it("reads the Shared Signals commands, and says what a stream needs", () => {
    expect(parseOrgsCliArguments(["signal-stream", "acme", "c-1", "--issuer", "https://acme.okta.com", "--jwks-uri", "https://acme.okta.com/keys"])).toEqual({
      ok: true,
      command: { kind: "signal-stream", slug: "acme", connectionId: "c-1", issuer: "https://acme.okta.com", jwksUri: "https://acme.okta.com/keys", audience: undefined },
    });
    expect(parseOrgsCliArguments(["signal-stream", "acme", "c-1", "--issuer", "https://i", "--jwks-uri", "https://k", "--audience", "console"])).toMatchObject({ ok: true, command: { audience: "console" } });
    expect(parseOrgsCliArguments(["signal-stream", "acme", "c-1", "--issuer", "https://i"])).toMatchObject({ ok: false, message: expect.stringContaining("--jwks-uri") });
    expect(parseOrgsCliArguments(["signal-stream", "acme", "--issuer", "https://i"])).toMatchObject({ ok: false, message: expect.stringContaining("SLUG CONNECTION_ID") });
    expect(parseOrgsCliArguments(["signal-streams", "acme"])).toEqual({ ok: true, command: { kind: "signal-streams", slug: "acme" } });
    expect(parseOrgsCliArguments(["remove-signal-stream", "acme", "s-1"])).toEqual({ ok: true, command: { kind: "remove-signal-stream", slug: "acme", streamId: "s-1" } });
    expect(parseOrgsCliArguments(["remove-signal-stream", "acme"])).toMatchObject({ ok: false });
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
