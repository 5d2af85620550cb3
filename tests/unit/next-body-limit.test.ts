import { describe, expect, it } from "vitest";
import { MAX_UNAUTHENTICATED_BODY_BYTES } from "@/lib/http/body-limit";
import nextConfig from "@/next.config.mjs";

describe("the body Next buffers before our checks run", () => {
  it("is our limit plus one byte, not Next's 10 MB: a longer body reaches the route still too long to pass", () => {
    expect(nextConfig.experimental?.proxyClientMaxBodySize).toBe(MAX_UNAUTHENTICATED_BODY_BYTES + 1);
    expect(MAX_UNAUTHENTICATED_BODY_BYTES).toBe(16 * 1024);
  });
});
