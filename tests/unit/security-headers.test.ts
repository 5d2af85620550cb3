import { describe, expect, it } from "vitest";
import {
  API_CONTENT_SECURITY_POLICY,
  CONSTANT_SECURITY_HEADERS,
  PERMISSIONS_POLICY,
  createNonce,
  pageContentSecurityPolicy,
  strictTransportSecurity,
} from "@/lib/http/security-headers.mjs";

function directives(policy: string): Map<string, string[]> {
  return new Map(policy.split(";").map((directive) => {
    const [name, ...values] = directive.trim().split(/\s+/);
    return [name!, values];
  }));
}

describe("the pages' Content-Security-Policy", () => {
  const production = directives(pageContentSecurityPolicy("abc123==", { https: false, development: false }));

  it("lets scripts run only with the response's nonce (and what they load), and styles from the app or with the nonce", () => {
    expect(production.get("script-src")).toEqual(["'self'", "'nonce-abc123=='", "'strict-dynamic'"]);
    expect(production.get("style-src")).toEqual(["'self'", "'nonce-abc123=='"]);
  });

  it("allows nothing inline or evaluated in production", () => {
    for (const values of production.values()) {
      expect(values).not.toContain("'unsafe-inline'");
      expect(values).not.toContain("'unsafe-eval'");
    }
  });

  it("forbids framing, plugins, <base> and forms to other sites, and anything it does not list", () => {
    expect(production.get("frame-ancestors")).toEqual(["'none'"]);
    expect(production.get("object-src")).toEqual(["'none'"]);
    expect(production.get("base-uri")).toEqual(["'none'"]);
    expect(production.get("form-action")).toEqual(["'self'"]);
    expect(production.get("default-src")).toEqual(["'none'"]);
    expect(production.get("connect-src")).toEqual(["'self'"]);
  });

  it("upgrades insecure requests only over https", () => {
    expect(production.has("upgrade-insecure-requests")).toBe(false);
    expect(directives(pageContentSecurityPolicy("n", { https: true, development: false })).has("upgrade-insecure-requests")).toBe(true);
  });

  it("gives the development server the eval and inline styles it needs (a nonce would switch 'unsafe-inline' off)", () => {
    const development = directives(pageContentSecurityPolicy("n", { https: false, development: true }));
    expect(development.get("script-src")).toEqual(["'self'", "'nonce-n'", "'strict-dynamic'", "'unsafe-eval'"]);
    expect(development.get("style-src")).toEqual(["'self'", "'unsafe-inline'"]);
  });
});

describe("nonces", () => {
  it("are 128 random bits in base64, fresh every time", () => {
    const nonces = new Set(Array.from({ length: 1000 }, () => createNonce()));
    expect(nonces.size).toBe(1000);
    for (const nonce of nonces) expect(Buffer.from(nonce, "base64")).toHaveLength(16);
  });
});

describe("the other headers", () => {
  it("sends HSTS only when the app is served over https", () => {
    expect(strictTransportSecurity({ https: true })).toBe("max-age=63072000; includeSubDomains");
    expect(strictTransportSecurity({ https: false })).toBeUndefined();
  });

  it("forbids JSON answers everything a document could do", () => {
    expect(API_CONTENT_SECURITY_POLICY).toBe("default-src 'none'; frame-ancestors 'none'");
  });

  it("denies the browser features a console does not use, and keeps the clipboard the copy buttons write to", () => {
    const features = new Map(PERMISSIONS_POLICY.split(", ").map((entry) => entry.split("=") as [string, string]));
    for (const feature of ["camera", "microphone", "geolocation", "payment", "usb", "clipboard-read"]) expect(features.get(feature)).toBe("()");
    expect(features.get("clipboard-write")).toBe("(self)");
  });

  it("always sends nosniff, a referrer policy, X-Frame-Options and the Permissions-Policy", () => {
    expect(Object.fromEntries(CONSTANT_SECURITY_HEADERS.map(({ key, value }) => [key, value]))).toEqual({
      "X-Content-Type-Options": "nosniff",
      "Referrer-Policy": "strict-origin-when-cross-origin",
      "X-Frame-Options": "DENY",
      "Permissions-Policy": PERMISSIONS_POLICY,
    });
  });
});
