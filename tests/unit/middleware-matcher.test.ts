import * as pageStaticInfo from "next/dist/build/analysis/get-page-static-info";
import { describe, expect, it } from "vitest";
import { ROUTE_POLICIES } from "@/lib/access/route-policies";
import { config } from "@/middleware";

// The matcher as Next.js itself compiles it for the build (a function its type declarations leave out).
const { getMiddlewareMatchers } = pageStaticInfo as unknown as { getMiddlewareMatchers: (matcher: unknown, nextConfig: object) => { regexp: string }[] };
const matchers = getMiddlewareMatchers(config.matcher, {}).map(({ regexp }) => new RegExp(regexp));
const runsFor = (path: string) => matchers.some((matcher) => matcher.test(path));

/** A concrete path for a route of the table: its dynamic segments filled in. */
const samplePath = (route: string) => route.replace(/\[\.\.\.[a-z]+\]/g, "some/thing").replace(/\[[a-z]+\]/g, "c123");

describe("where the middleware runs", () => {
  const apiRoutes = Object.keys(ROUTE_POLICIES).filter((route) => route.startsWith("/api/") && route !== "/api/auth/callback/oidc" && route !== "/api/auth/verify");

  it.each(apiRoutes)("runs for %s", (route) => {
    expect(runsFor(samplePath(route))).toBe(true);
  });

  it("runs for pages and for /api paths no route serves, near-misses of the callback included", () => {
    for (const path of ["/", "/profile", "/admin", "/admin/users/c123", "/signin", "/api", "/api/unknown", "/api/auth/callback/other", "/api/auth/callbacks", "/api/auth/verify/x", "/api/auth/verifyx"]) {
      expect(runsFor(path), path).toBe(true);
    }
  });

  it("runs for page paths that merely end like an asset (a page's CSP and gate are not skipped by a name): the app serves no file outside /_next/", () => {
    for (const path of ["/admin/users/c123.js", "/profile.css", "/signin/error.png", "/x.svg", "/favicon.ico.js"]) {
      expect(runsFor(path), path).toBe(true);
    }
  });

  it("does not run for SCIM: a directory token is no session, and its routes check it themselves; a page merely starting with scim does run it", () => {
    for (const path of ["/scim/v2/Users", "/scim/v2/Users/c123", "/scim/v2/ServiceProviderConfig"]) expect(runsFor(path), path).toBe(false);
    expect(runsFor("/scimx")).toBe(true);
  });

  it("does not run for forward auth: its decision is the guard's and renews a due cookie itself (a second renewal would be a second Set-Cookie)", () => {
    expect(runsFor("/api/auth/verify")).toBe(false);
  });

  it("does not run for the public sign-in callback, the JWKS or static assets (their runtime headers come from the request observer)", () => {
    for (const path of ["/api/auth/callback/oidc", "/.well-known/jwks.json", "/_next/static/chunks/app.js", "/favicon.ico"]) {
      expect(runsFor(path), path).toBe(false);
    }
  });
});
