import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { VARIABLES } from "@/lib/config/variables";

const ROOT = path.resolve(import.meta.dirname, "../..");
const read = (file: string) => readFileSync(path.join(ROOT, file), "utf8");

/** NODE_ENV is the platform's own (Next.js sets it); the docs explain it in prose. */
const PLATFORM = new Set(["NODE_ENV"]);
const appVariables = Object.keys(VARIABLES).filter((name) => !PLATFORM.has(name));

/** Variables the development and test tools read (documented in the same table, not the app's). */
function toolVariables(): Set<string> {
  const files = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard", "scripts", "tests", "playwright.config.ts"], { cwd: ROOT, encoding: "utf8" }).split("\n").filter(Boolean);
  const names = files.flatMap((file) => [...read(file).matchAll(/process\.env\.([A-Z][A-Z0-9_]+)/g)].map((match) => match[1]!));
  return new Set(names);
}

/** The names a configuration table's first column holds (`| \`NAME\` |`). */
const documentedIn = (markdown: string) => [...markdown.matchAll(/^\| `([A-Z][A-Z0-9_]+)` \|/gm)].map((match) => match[1]!);
/** The names .env.example assigns (`NAME=`). */
const exampleIn = (text: string) => [...text.matchAll(/^([A-Z][A-Z0-9_]+)=/gm)].map((match) => match[1]!);

/** What a list lacks of the app's variables, and what it names that nothing reads. */
function drift(listed: readonly string[], tools: ReadonlySet<string>) {
  return {
    missing: appVariables.filter((name) => !listed.includes(name)),
    unknown: listed.filter((name) => !(name in VARIABLES) && !tools.has(name)),
  };
}

describe("the configuration, declared once and documented", () => {
  const tools = toolVariables();

  it("docs/configuration.md lists every variable the app reads, and none that nothing reads", () => {
    expect(drift(documentedIn(read("docs/configuration.md")), tools)).toEqual({ missing: [], unknown: [] });
  });

  it(".env.example lists every variable the app reads, and none that nothing reads", () => {
    expect(drift(exampleIn(read(".env.example")), tools)).toEqual({ missing: [], unknown: [] });
  });

  it("tells a missing and an unknown variable (so the checks above can fail)", () => {
    const listed = appVariables.filter((name) => name !== "AUTH_SECRET").concat("NO_SUCH_VARIABLE");
    expect(drift(listed, tools)).toEqual({ missing: ["AUTH_SECRET"], unknown: ["NO_SUCH_VARIABLE"] });
  });

  it("every variable says how to fix it", () => {
    for (const [name, { fix }] of Object.entries(VARIABLES)) expect(fix.length, name).toBeGreaterThan(10);
  });
});
