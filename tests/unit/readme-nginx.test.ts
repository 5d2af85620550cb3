import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "../..");

describe("README's nginx configuration", () => {
  it("is deploy/nginx-console.conf, the file the deployment suite runs, word for word", () => {
    const readme = readFileSync(path.join(root, "README.md"), "utf8");
    const blocks = [...readme.matchAll(/```nginx\n([\s\S]*?)```/g)].map((match) => match[1]!.trim());
    const file = readFileSync(path.join(root, "deploy/nginx-console.conf"), "utf8").trim();
    expect(blocks.length).toBeGreaterThan(0);
    expect(blocks).toContain(file);
  });
});
