import { describe, expect, it } from "vitest";
import { USERS_CLI_USAGE, parseUsersCliArguments } from "@/lib/admin/users-cli-arguments";

describe("npm run users: its arguments", () => {
  it("reads each command", () => {
    expect(parseUsersCliArguments(["list"])).toEqual({ ok: true, command: { kind: "list" } });
    expect(parseUsersCliArguments(["list", "--role", "admin", "--status", "disabled"])).toEqual({ ok: true, command: { kind: "list", role: "admin", status: "disabled" } });
    expect(parseUsersCliArguments(["set-role", "Bob@Example.com", "campaign_manager"])).toEqual({ ok: true, command: { kind: "set-role", email: "Bob@Example.com", role: "campaign_manager" } });
    expect(parseUsersCliArguments(["disable", "bob@example.com"])).toEqual({ ok: true, command: { kind: "disable", email: "bob@example.com" } });
    expect(parseUsersCliArguments(["enable", "bob@example.com"])).toEqual({ ok: true, command: { kind: "enable", email: "bob@example.com" } });
    expect(parseUsersCliArguments(["--help"])).toEqual({ ok: true, command: { kind: "help" } });
  });

  it("refuses a missing or unknown command", () => {
    expect(parseUsersCliArguments([])).toEqual({ ok: false, message: "no command given" });
    expect(parseUsersCliArguments(["promote", "bob@example.com"])).toEqual({ ok: false, message: 'unknown command "promote"' });
  });

  it("refuses an unknown role, naming the roles there are", () => {
    expect(parseUsersCliArguments(["set-role", "bob@example.com", "superuser"])).toEqual({
      ok: false,
      message: 'unknown role "superuser": use one of admin, campaign_manager, viewer',
    });
    expect(parseUsersCliArguments(["list", "--role", "Admin"])).toMatchObject({ ok: false, message: 'unknown role "Admin": use one of admin, campaign_manager, viewer' });
  });

  it("refuses the wrong number of arguments, saying what was given", () => {
    expect(parseUsersCliArguments(["set-role", "bob@example.com"])).toEqual({ ok: false, message: 'set-role takes EMAIL ROLE (got "bob@example.com")' });
    expect(parseUsersCliArguments(["disable"])).toEqual({ ok: false, message: "disable takes EMAIL (got nothing)" });
    expect(parseUsersCliArguments(["enable", "a@example.com", "b@example.com"])).toEqual({ ok: false, message: 'enable takes EMAIL (got "a@example.com" "b@example.com")' });
  });

  it("refuses unknown list options, options without a value and unknown statuses", () => {
    expect(parseUsersCliArguments(["list", "--email", "x"])).toEqual({ ok: false, message: 'unknown option "--email" for list: use --role or --status' });
    expect(parseUsersCliArguments(["list", "--role"])).toEqual({ ok: false, message: "--role needs a value" });
    expect(parseUsersCliArguments(["list", "--role", "--status", "active"])).toEqual({ ok: false, message: "--role needs a value" });
    expect(parseUsersCliArguments(["list", "--status", "gone"])).toEqual({ ok: false, message: 'unknown status "gone": use active or disabled' });
  });

  it("has a usage text naming every command and the roles", () => {
    for (const word of ["list [--role ROLE]", "set-role EMAIL ROLE", "disable EMAIL", "enable EMAIL", "admin, campaign_manager, viewer"]) expect(USERS_CLI_USAGE).toContain(word);
  });
});
