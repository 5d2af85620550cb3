import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, findCycle, importClosure, importsOf } from "../support/module-graph";

const libFiles = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard", "lib"], { cwd: ROOT, encoding: "utf8" })
  .split("\n")
  .filter((file) => /\.(ts|tsx|mts|mjs)$/.test(file) && !file.endsWith(".d.mts"));

// What does not exist on the Edge runtime, or must never run outside the server's Node.js side.
const NODE_ONLY = [/^node:/, /^server-only$/, /^@prisma\//, /^pg$/, /^next\/headers$/, /^oauth4webapi$/, /^pino/, /^prom-client$/, /^rate-limiter-flexible$/, /^@auth\/prisma-adapter$/];

/** The files of a closure that import a Node-only module, with what they import. */
function nodeOnlyImports(closure: readonly string[]): string[] {
  return closure.flatMap((file) => importsOf(file).packages.filter((name) => NODE_ONLY.some((pattern) => pattern.test(name))).map((name) => `${file} imports ${name}`));
}

/** lib/<folder>/… → the folder; a file directly in lib/ is its own module. */
const moduleOf = (file: string) => {
  const parts = file.split("/");
  return parts.length > 2 ? `lib/${parts[1]}/` : file;
};

describe("the Edge line, checked on the middleware's whole import closure", () => {
  const closure = importClosure("middleware.ts");

  it("reaches no Node-only module and no file that touches the database", () => {
    expect(nodeOnlyImports(closure)).toEqual([]);
    expect(closure).not.toContain("lib/db.ts");
    // What the middleware is made of, so a change to it is seen here: credentials, config, roles, errors, headers.
    expect(closure).toContain("lib/credentials/authenticate-request.ts");
  });

  it("would be refused for a file that reaches the database (the check can fail)", () => {
    expect(nodeOnlyImports(importClosure("lib/access/guard.ts"))).toContain("lib/access/guard.ts imports server-only");
  });
});

describe("folders by job", () => {
  it("no two modules of lib/ import each other, directly or round a longer loop", () => {
    const edges = new Map<string, Set<string>>();
    for (const file of libFiles) {
      const from = moduleOf(file);
      for (const target of importsOf(file).files.filter((imported) => imported.startsWith("lib/"))) {
        const to = moduleOf(target);
        if (to !== from) edges.set(from, (edges.get(from) ?? new Set()).add(to));
      }
    }
    expect(findCycle(edges)).toBeNull();
    expect(edges.get("lib/sign-in/")).toContain("lib/sessions/");
  });

  it("finds a loop when there is one (the check can fail)", () => {
    const edges = new Map([["a", new Set(["b"])], ["b", new Set(["c"])], ["c", new Set(["a"])]]);
    expect(findCycle(edges)).toEqual(["a", "b", "c", "a"]);
  });

  it("every module that reaches the database says so with server-only (lib/db.ts itself serves scripts and test harnesses too)", () => {
    const touching = libFiles.filter((file) => file !== "lib/db.ts" && importsOf(file).files.includes("lib/db.ts"));
    expect(touching.length).toBeGreaterThan(20);
    expect(touching.filter((file) => !importsOf(file).packages.includes("server-only"))).toEqual([]);
  });

  it("only lib/sessions/ writes token families and refresh tokens (the check can fail: it finds one in a sample)", () => {
    const WRITES = /\b(tokenFamily|refreshToken)\.(create|createMany|update|updateMany|upsert|delete|deleteMany)\b|(INSERT INTO|UPDATE|DELETE FROM) "(TokenFamily|RefreshToken)"/;
    expect(WRITES.test('await tx.tokenFamily.updateMany({ where: { userId } })')).toBe(true);
    const appFiles = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard", "app"], { cwd: ROOT, encoding: "utf8" }).split("\n").filter((file) => /\.tsx?$/.test(file));
    const writers = [...libFiles, ...appFiles].filter((file) => !file.startsWith("lib/sessions/") && WRITES.test(readFileSync(path.join(ROOT, file), "utf8")));
    expect(writers).toEqual([]);
  });
});
