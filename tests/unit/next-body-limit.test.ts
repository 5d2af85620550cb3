import { describe, expect, it } from "vitest";
import { MAX_UNAUTHENTICATED_BODY_BYTES } from "@/lib/http/body-limit";
import nextConfig from "@/next.config.mjs";

describe("the body Next buffers before our checks run", () => {
  it("is 1 MiB, not Next's 10 MB, and far over our limit: a body Next cuts at a chunk boundary still reaches the route too long to pass", () => {
    expect(nextConfig.experimental?.proxyClientMaxBodySize).toBe(1024 * 1024);
    expect(1024 * 1024 - 64 * 1024).toBeGreaterThan(MAX_UNAUTHENTICATED_BODY_BYTES);
    expect(MAX_UNAUTHENTICATED_BODY_BYTES).toBe(16 * 1024);
  });
});
