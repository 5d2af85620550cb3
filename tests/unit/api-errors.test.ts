import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { API_ERRORS, AUTH_ERROR_CODES, apiError, type ApiErrorCode } from "@/lib/errors/api-errors";

const ROOT = path.resolve(import.meta.dirname, "../..");
const sources = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard", "app", "lib", "middleware.ts"], { cwd: ROOT, encoding: "utf8" })
  .split("\n")
  .filter((file) => /\.(ts|tsx)$/.test(file));

// An error answer written by hand: a JSON body whose first field is `error`.
const HAND_WRITTEN_ERROR = /Response\.json\(\s*\{\s*error:/;

describe("the API's error table and its one helper", () => {
  it("answers every code with its status and message, never cached; a 401 with its challenge, others without", async () => {
    for (const code of Object.keys(API_ERRORS) as ApiErrorCode[]) {
      const response = apiError(code);
      expect(response.status, code).toBe(API_ERRORS[code].status);
      expect(response.headers.get("cache-control"), code).toBe("no-store");
      expect(await response.json(), code).toEqual({ error: code, message: API_ERRORS[code].message });
      const challenge = response.headers.get("www-authenticate");
      if (response.status === 401) expect(challenge, code).toMatch(/^Bearer realm="voicesurveyagent"/);
      else expect(challenge, code).toBeNull();
    }
    expect(AUTH_ERROR_CODES).toContain("token_revoked");
    expect(AUTH_ERROR_CODES).not.toContain("forbidden");
  });

  it("is the only place an error answer is built (the check can fail: it finds one in a sample)", () => {
    expect(HAND_WRITTEN_ERROR.test(`return Response.json({ error: "not_found", message: "x" }, { status: 404 });`)).toBe(true);
    const handWritten = sources.filter((file) => file !== "lib/errors/api-errors.ts" && HAND_WRITTEN_ERROR.test(readFileSync(path.join(ROOT, file), "utf8")));
    expect(handWritten).toEqual([]);
  });
});
