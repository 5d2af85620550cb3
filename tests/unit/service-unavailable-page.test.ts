import { describe, expect, it } from "vitest";
import { serviceUnavailablePage } from "@/lib/http/service-unavailable";

const APP_URL = "http://localhost:3000";

async function page(from: string | null, nonce: string | null = "n0nce==") {
  const response = serviceUnavailablePage({ nonce, from, appUrl: APP_URL });
  return { response, html: await response.text() };
}

describe("the pages' 503", () => {
  it("answers 503 HTML that is never cached and says when to retry", async () => {
    const { response, html } = await page("/profile");
    expect(response.status).toBe(503);
    expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(response.headers.get("retry-after")).toBe("30");
    expect(html).toContain("<h1>Service unavailable</h1>");
    expect(html).toContain('<a class="retry" href="/profile">Try again</a>');
  });

  it("styles itself with the response's nonce, and with nothing else inline", async () => {
    const { html } = await page("/");
    expect(html.match(/<style[^>]*>/g)).toEqual(['<style nonce="n0nce==">']);
    expect(html).not.toMatch(/<script|style="/);
  });

  it("leads back to a path on this app only, escaped", async () => {
    for (const from of ["https://evil.example/", "//evil.example", "javascript:alert(1)"]) {
      expect((await page(from)).html).toContain('href="/profile"');
    }
    expect((await page('/profile?a=1&b="><script>')).html).toContain('href="/profile?a=1&#38;b=%22%3E%3Cscript%3E"');
  });
});
