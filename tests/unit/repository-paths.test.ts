import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "../..");

// Every path the documentation names, and every path a code comment names, must exist: a file
// moved without its mentions leaves readers looking for it. Only repo-relative paths are
// checked (a path relative to its sibling, such as sessions/token-families.ts, is not).
const PREFIXES = ["lib", "app", "tests", "scripts", "docs", "deploy", "prisma", "components", "\\.ci"];
const TOP_LEVEL_FILES = [
  "middleware.ts",
  "instrumentation.ts",
  "next.config.mjs",
  "package.json",
  "package-lock.json",
  "tsconfig.json",
  "vitest.config.ts",
  "playwright.config.ts",
  "playwright.deploy.config.ts",
  "eslint.config.mjs",
  "postcss.config.mjs",
  "prisma.config.ts",
  "README.md",
  ".env.example",
  // Names this project does not use, but a stale mention easily would.
  "next.config.js",
  "next.config.ts",
  "tailwind.config.js",
  "tailwind.config.ts",
];
const EXTENSION = /\.(?:ts|tsx|mts|mjs|js|cjs|md|conf|prisma|json|yaml|yml|sql|css|svg)$/;
// A prefix at the start of a token: not inside a longer path or a URL (…/lib/x.ts), not @/lib/x.
const PREFIXED_PATH = new RegExp(`(?<![\\w./@~-])(?:${PREFIXES.join("|")})/[\\w.\\-\\[\\]/*]*`, "g");
const TOP_LEVEL_PATH = new RegExp(`(?<![\\w./@~-])(?:${TOP_LEVEL_FILES.map((name) => name.replace(/\./g, "\\.")).join("|")})(?![\\w/-]|\\.\\w)`, "g");
const TRAILING_PUNCTUATION = /[),.:;`'"*]+$/;
const CODE_EXTENSIONS = /\.(?:ts|tsx|mts|mjs|js|cjs)$/;
const CODE_SOURCES = ["lib", "app", "middleware.ts", "scripts", "tests"];

interface Mention {
  line: number;
  path: string;
}

interface Comment {
  line: number;
  text: string;
}

/** The repository paths a piece of text names, cleaned of trailing punctuation; globs left out. */
function pathsNamedIn(text: string, firstLine = 1): Mention[] {
  const mentions: Mention[] = [];
  for (const pattern of [PREFIXED_PATH, TOP_LEVEL_PATH]) {
    for (const match of text.matchAll(pattern)) {
      const named = match[0].replace(TRAILING_PUNCTUATION, "");
      if (named.includes("*")) continue;
      if (!named.endsWith("/") && !EXTENSION.test(named) && !named.startsWith(".ci/")) continue;
      if (named.startsWith(".ci/") && named.length === ".ci/".length) continue;
      mentions.push({ line: firstLine + countNewlines(text.slice(0, match.index)), path: named });
    }
  }
  return mentions.sort((a, b) => a.line - b.line);
}

/** Relative link targets of a Markdown file ([text](target#anchor)), as repository paths. */
function linkTargetsIn(file: string, text: string): Mention[] {
  return [...text.matchAll(/\]\(([^)#\s]+)(?:#[^)\s]*)?\)/g)]
    .filter((match) => !/^[a-z][a-z+.-]*:/i.test(match[1]!))
    .map((match) => ({
      line: 1 + countNewlines(text.slice(0, match.index)),
      path: path.posix.normalize(path.posix.join(path.posix.dirname(file), match[1]!)),
    }));
}

/** The comments of a JavaScript or TypeScript source: `//` lines and `/* … *\/` blocks, never string contents. */
function commentsIn(source: string): Comment[] {
  const comments: Comment[] = [];
  // Braces opened inside each template literal's ${…}, innermost last.
  const templateDepths: number[] = [];
  let line = 1;
  let lastSignificant = "";
  let i = 0;
  const skipTo = (end: number) => {
    line += countNewlines(source.slice(i, end));
    i = end;
  };
  const skipTemplateText = () => {
    // From inside a template literal to its closing backtick or the next ${.
    let j = i;
    while (j < source.length && source[j] !== "`" && !(source[j] === "$" && source[j + 1] === "{")) j += source[j] === "\\" ? 2 : 1;
    if (source[j] === "`") {
      skipTo(j + 1);
      lastSignificant = "`";
    } else {
      skipTo(j + 2);
      templateDepths.push(0);
      lastSignificant = "{";
    }
  };
  while (i < source.length) {
    const char = source[i]!;
    const next = source[i + 1];
    if (char === "/" && next === "/") {
      const end = source.indexOf("\n", i);
      const stop = end === -1 ? source.length : end;
      comments.push({ line, text: source.slice(i + 2, stop) });
      i = stop;
    } else if (char === "/" && next === "*") {
      const end = source.indexOf("*/", i + 2);
      const stop = end === -1 ? source.length : end + 2;
      comments.push({ line, text: source.slice(i + 2, end === -1 ? stop : end) });
      skipTo(stop);
    } else if (char === '"' || char === "'") {
      let j = i + 1;
      while (j < source.length && source[j] !== char && source[j] !== "\n") j += source[j] === "\\" ? 2 : 1;
      skipTo(Math.min(j + 1, source.length));
      lastSignificant = char;
    } else if (char === "`") {
      i += 1;
      skipTemplateText();
    } else if (char === "/" && (lastSignificant === "" || /[(,=:[!&|?{};+\-*%<>~^]/.test(lastSignificant) || /\b(?:return|typeof|case|do|else|in|of|void|yield|await)$/.test(source.slice(Math.max(0, i - 8), i).trimEnd()))) {
      // A regular expression literal: up to its closing slash, outside any [class].
      let j = i + 1;
      let inClass = false;
      while (j < source.length && source[j] !== "\n" && (inClass || source[j] !== "/")) {
        if (source[j] === "\\") j += 1;
        else if (source[j] === "[") inClass = true;
        else if (source[j] === "]") inClass = false;
        j += 1;
      }
      skipTo(Math.min(j + 1, source.length));
      lastSignificant = "/";
    } else if (templateDepths.length > 0 && char === "}" && templateDepths[templateDepths.length - 1] === 0) {
      templateDepths.pop();
      i += 1;
      skipTemplateText();
    } else {
      if (templateDepths.length > 0 && char === "{") templateDepths[templateDepths.length - 1]! += 1;
      if (templateDepths.length > 0 && char === "}") templateDepths[templateDepths.length - 1]! -= 1;
      if (char === "\n") line += 1;
      if (!/\s/.test(char)) lastSignificant = /[\w$]/.test(char) ? "a" : char;
      i += 1;
    }
  }
  return comments;
}

function countNewlines(text: string): number {
  let count = 0;
  for (const char of text) if (char === "\n") count += 1;
  return count;
}

function exists(named: string): boolean {
  const full = path.join(ROOT, named);
  if (!existsSync(full)) return false;
  return named.endsWith("/") ? statSync(full).isDirectory() : true;
}

function filesUnder(entry: string, keep: RegExp): string[] {
  const full = path.join(ROOT, entry);
  if (!statSync(full).isDirectory()) return keep.test(entry) ? [entry] : [];
  return readdirSync(full, { withFileTypes: true }).flatMap((child) => filesUnder(path.posix.join(entry, child.name), keep));
}

/** "FILE:LINE names PATH" for every named path that does not exist. */
function missingIn(file: string, mentions: Mention[]): string[] {
  return mentions.filter((mention) => !exists(mention.path)).map((mention) => `${file}:${mention.line} names ${mention.path}`);
}

const packageJson = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as Record<string, Record<string, string> | undefined>;
const DEPENDENCIES = Object.keys({ ...packageJson.dependencies, ...packageJson.devDependencies });

/**
 * A path inside a dependency, in a comment that names the dependency ("oidc-provider's
 * lib/shared/client_auth.js"): that package's file, not one of this repository.
 */
function inNamedDependency(comment: string, named: string): boolean {
  return DEPENDENCIES.some((name) => comment.includes(name) && existsSync(path.join(ROOT, "node_modules", name, named)));
}

/** The missing paths the comments of one source name. */
function missingInComments(file: string, source: string): string[] {
  return commentsIn(source).flatMap((comment) =>
    missingIn(
      file,
      pathsNamedIn(comment.text, comment.line).filter((mention) => !inNamedDependency(comment.text, mention.path)),
    ),
  );
}

const markdownFiles = ["README.md", ...readdirSync(path.join(ROOT, "docs")).filter((name) => name.endsWith(".md")).map((name) => `docs/${name}`)];
const codeFiles = CODE_SOURCES.flatMap((entry) => filesUnder(entry, CODE_EXTENSIONS));

describe("repository paths named in the documentation and in code comments", () => {
  it("finds the paths a text names, and tells a missing one (so the checks below can fail)", () => {
    const text = [
      "See `lib/config/env.ts`, app/api/users/[id]/route.ts, (deploy/nginx-console.conf), lib/credentials/.",
      "Moved away: lib/auth/no-such-module.ts; and docs/no-such-page.md: gone.",
      "Not checked: lib/**/*.ts, sessions/token-families.ts, https://example.com/lib/x.ts, @/lib/db, lib/env",
      "Top level: middleware.ts, tailwind.config.ts.",
    ].join("\n");
    const mentions = pathsNamedIn(text);
    expect(mentions.map((mention) => mention.path)).toEqual([
      "lib/config/env.ts",
      "app/api/users/[id]/route.ts",
      "deploy/nginx-console.conf",
      "lib/credentials/",
      "lib/auth/no-such-module.ts",
      "docs/no-such-page.md",
      "middleware.ts",
      "tailwind.config.ts",
    ]);
    expect(missingIn("sample.md", mentions)).toEqual([
      "sample.md:2 names lib/auth/no-such-module.ts",
      "sample.md:2 names docs/no-such-page.md",
      "sample.md:4 names tailwind.config.ts",
    ]);
  });

  it("reads code comments only, not strings or regular expressions", () => {
    const source = [
      'const url = "https://example.com/x"; // see lib/one.ts',
      "const text = 'lib/not-a-comment.ts';",
      "const pattern = /\\/\\/ lib\\/not-a-comment-either.ts/;",
      "const template = `lib/inside-a-template.ts ${value /* lib/two.ts */} // lib/still-a-template.ts`;",
      "/**",
      " * lib/three.ts",
      " */",
      "const half = total / 2; // lib/four.ts",
    ].join("\n");
    const named = commentsIn(source).flatMap((comment) => pathsNamedIn(comment.text, comment.line));
    expect(named).toEqual([
      { line: 1, path: "lib/one.ts" },
      { line: 4, path: "lib/two.ts" },
      { line: 6, path: "lib/three.ts" },
      { line: 8, path: "lib/four.ts" },
    ]);
    expect(missingInComments("sample.ts", source)).toEqual([
      "sample.ts:1 names lib/one.ts",
      "sample.ts:4 names lib/two.ts",
      "sample.ts:6 names lib/three.ts",
      "sample.ts:8 names lib/four.ts",
    ]);
  });

  it("leaves a dependency's own file, named with the dependency, to the dependency", () => {
    expect(missingInComments("sample.ts", "// oidc-provider's lib/shared/client_auth.js\n// lib/shared/client_auth.js")).toEqual([
      "sample.ts:2 names lib/shared/client_auth.js",
    ]);
  });

  it("reads the README, every docs/ page and the sources", () => {
    expect(markdownFiles).toEqual(expect.arrayContaining(["README.md", "docs/operations.md"]));
    expect(codeFiles).toEqual(expect.arrayContaining(["middleware.ts", "lib/config/env.ts", "app/api/users/[id]/route.ts", "tests/unit/repository-paths.test.ts"]));
    expect(codeFiles.length).toBeGreaterThan(100);
  });

  it.each(markdownFiles)("every path %s names exists", (file) => {
    const text = readFileSync(path.join(ROOT, file), "utf8");
    expect(missingIn(file, [...pathsNamedIn(text), ...linkTargetsIn(file, text)])).toEqual([]);
  });

  it("every path a code comment in lib/, app/, middleware.ts, scripts/ or tests/ names exists", () => {
    const missing = codeFiles.flatMap((file) => missingInComments(file, readFileSync(path.join(ROOT, file), "utf8")));
    expect(missing).toEqual([]);
  });
});
