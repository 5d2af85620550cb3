import { describe, expect, it } from "vitest";
import { terminalSafe } from "@/lib/admin/terminal-safe";

describe("terminalSafe", () => {
  it("writes out every control character and doubles a backslash, leaving other text as it is", () => {
    expect(terminalSafe("Ana Müller 用户")).toBe("Ana Müller 用户");
    expect(terminalSafe("a\tb\nc\rd")).toBe("a\\tb\\nc\\rd");
    expect(terminalSafe("\u001b[2J\u0000\u007f\u009b")).toBe("\\u001b[2J\\u0000\\u007f\\u009b");
    expect(terminalSafe("C:\\t")).toBe("C:\\\\t");
  });
});
