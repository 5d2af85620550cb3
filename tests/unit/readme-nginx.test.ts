import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "../..");
// The nginx configuration is shown in the operations manual (README links there).
const manual = "docs/operations.md";

describe("docs/operations.md's nginx configuration", () => {
  it.each(["deploy/nginx-console.conf", "deploy/nginx-console-proxy-headers.conf"])("holds %s, which the deployment suite runs, word for word", (file) => {
    const operations = readFileSync(path.join(root, manual), "utf8");
    const blocks = [...operations.matchAll(/```nginx\n([\s\S]*?)```/g)].map((match) => match[1]!.trim());
    expect(blocks.length).toBeGreaterThan(0);
    expect(blocks).toContain(readFileSync(path.join(root, file), "utf8").trim());
  });
});
