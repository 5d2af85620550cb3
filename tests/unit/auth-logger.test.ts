import { CallbackRouteError, OAuthCallbackError } from "@auth/core/errors";
// Not exported by the package; imported by path to show what its default logger prints.
import { setLogger } from "../../node_modules/@auth/core/lib/utils/logger.js";
import { afterEach, describe, expect, it, vi } from "vitest";
import { authLogger } from "@/lib/sign-in/auth-logger";
import { captureLogs } from "../support/captured-logs";

const ID_TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSIsImVtYWlsIjoiYWxpY2VAZXhhbXBsZS5jb20ifQ.c2lnbmF0dXJl";
const ACCESS_TOKEN = "at-5f3c2a9e1b7d4c6a8e0f";
const CODE = "code-9a8b7c6d5e4f";

/** Errors as oauth4webapi and Auth.js build them when a token response is refused: secrets in message and cause. */
function errorsCarryingSecrets(): Error[] {
  const claimsError = Object.assign(new Error(`unexpected ID Token "nonce" claim value in ${ID_TOKEN}`), {
    name: "OperationProcessingError",
    code: "OAUTH_JWT_CLAIM_COMPARISON_FAILED",
    cause: { claim: "nonce", claims: { sub: "alice", email: "alice@example.com" }, response: { id_token: ID_TOKEN, access_token: ACCESS_TOKEN } },
  });
  return [
    new CallbackRouteError(claimsError as never, { provider: "oidc", code: CODE } as never),
    new OAuthCallbackError(`OAuth Provider returned an error for ${CODE}`, { providerId: "oidc", access_token: ACCESS_TOKEN } as never),
    Object.assign(new Error(ID_TOKEN), { cause: { tokens: { access_token: ACCESS_TOKEN } } }),
  ];
}

function printedBy(run: () => void): string {
  const lines: string[] = [];
  const capture = (...args: unknown[]) => void lines.push(args.map((arg) => (typeof arg === "string" ? arg : JSON.stringify(arg))).join(" "));
  vi.spyOn(console, "error").mockImplementation(capture);
  vi.spyOn(console, "warn").mockImplementation(capture);
  vi.spyOn(console, "log").mockImplementation(capture);
  run();
  return lines.join("\n");
}

afterEach(() => vi.restoreAllMocks());

describe("the Auth.js logger", () => {
  it("Auth.js's default logger does print tokens, codes and claims (what this replaces)", () => {
    const defaultLogger = setLogger({ debug: true });
    const printed = printedBy(() => {
      for (const error of errorsCarryingSecrets()) defaultLogger.error(error);
      defaultLogger.debug("authorization result", { account: { access_token: ACCESS_TOKEN, id_token: ID_TOKEN } });
    });
    expect(printed).toContain(ID_TOKEN);
    expect(printed).toContain(ACCESS_TOKEN);
  });

  it("prints error names and codes only, and no debug output", () => {
    const logs = captureLogs();
    const printedToConsole = printedBy(() => {
      for (const error of errorsCarryingSecrets()) authLogger.error(error);
      authLogger.debug!("authorization result", { account: { access_token: ACCESS_TOKEN, id_token: ID_TOKEN } });
      authLogger.warn!("debug-enabled");
    });
    logs.stop();
    expect(printedToConsole).toBe("");
    const printed = logs.text();
    for (const secret of [ID_TOKEN, ACCESS_TOKEN, CODE, "alice@example.com"]) expect(printed).not.toContain(secret);
    expect(printed).toContain("CallbackRouteError <- OperationProcessingError(OAUTH_JWT_CLAIM_COMPARISON_FAILED)");
    expect(printed).toContain("OAuthCallbackError");
    expect(printed).toContain("debug-enabled");
  });
});
