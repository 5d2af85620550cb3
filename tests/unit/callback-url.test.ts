import { describe, expect, it } from "vitest";
import { safeCallbackPath } from "@/lib/http/callback-url";

const APP = "http://localhost:3000";

describe("safeCallbackPath", () => {
  it.each([
    ["/profile", "/profile"],
    ["/profile?tab=1#x", "/profile?tab=1#x"],
    ["http://localhost:3000/profile", "/profile"],
  ])("keeps the same-origin target %s", (input, expected) => {
    expect(safeCallbackPath(input, APP)).toBe(expected);
  });

  it.each([
    "https://evil.example/steal",
    "//evil.example/steal",
    "/\\evil.example",
    "\\\\evil.example",
    "http://localhost:3001/profile",
    "javascript:alert(1)",
    "/.//evil.example",
    "/..//evil.example/x",
    ["/profile", "/other"],
    "",
    null,
  ] as unknown[])("falls back to /profile for %j", (input) => {
    expect(safeCallbackPath(input, APP)).toBe("/profile");
  });
});
