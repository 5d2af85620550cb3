import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ROUTE_POLICIES, isPublicRequest, policyOf, routeOf, type RoutePath } from "@/lib/access/route-policies";

const APP = path.resolve(import.meta.dirname, "../../app");
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

/** Every route handler file under app/, as its URL path and the methods it exports. */
function routeFiles(dir = APP): { route: string; methods: string[] }[] {
  const found: { route: string; methods: string[] }[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...routeFiles(full));
    else if (entry.name === "route.ts") {
      const source = readFileSync(full, "utf8");
      const methods = METHODS.filter((method) =>
        new RegExp(`export\\s+(?:const|async\\s+function|function)\\s+${method}\\b|export\\s+const\\s*\\{[^}]*\\b${method}\\b[^}]*\\}`).test(source),
      );
      const route = `/${path.relative(APP, path.dirname(full)).split(path.sep).filter((segment) => !/^\(.*\)$/.test(segment)).join("/")}`;
      found.push({ route, methods });
    }
  }
  return found;
}

describe("the route policy table", () => {
  const files = routeFiles();

  it("finds the app's route handlers (so the checks below can fail)", () => {
    expect(files.length).toBeGreaterThan(10);
    expect(files).toContainEqual({ route: "/api/auth/me", methods: ["GET"] });
  });

  it("names who may call every method of every route handler", () => {
    const missing = files.flatMap(({ route, methods }) => methods.filter((method) => !(route in ROUTE_POLICIES) || !policyOf(route as RoutePath, method)).map((method) => `${method} ${route}`));
    expect(missing).toEqual([]);
  });

  it("lists nothing that no route handler serves", () => {
    const served = new Set(files.flatMap(({ route, methods }) => methods.map((method) => `${method} ${route}`)));
    const stale = Object.entries(ROUTE_POLICIES).flatMap(([route, methods]) => Object.keys(methods).map((method) => `${method} ${route}`)).filter((entry) => !served.has(entry));
    expect(stale).toEqual([]);
  });

  it("resolves paths as Next does: a static route beats a catch-all, the longer catch-all beats the shorter", () => {
    expect(routeOf("/api/auth/me")).toBe("/api/auth/me");
    expect(routeOf("/api/auth/me/")).toBe("/api/auth/me");
    expect(routeOf("/api/auth/csrf")).toBe("/api/auth/[...nextauth]");
    expect(routeOf("/api/auth/signin/oidc")).toBe("/api/auth/[...nextauth]");
    expect(routeOf("/api/nothing/here")).toBe("/api/[...path]");
    expect(routeOf("/api")).toBeUndefined();
  });

  it("lets only admins at the user administration, and its writes only from this origin with a cookie", () => {
    expect(routeOf("/api/users/cmi123")).toBe("/api/users/[id]");
    expect(routeOf("/api/users/cmi123/revoke-sessions")).toBe("/api/users/[id]/revoke-sessions");
    expect(policyOf("/api/users", "GET")).toEqual({ access: "signed-in", role: "admin" });
    expect(policyOf("/api/users/[id]", "GET")).toEqual({ access: "signed-in", role: "admin" });
    expect(policyOf("/api/users/[id]", "PATCH")).toEqual({ access: "signed-in", role: "admin", sameOrigin: true });
    expect(policyOf("/api/users/[id]/revoke-sessions", "POST")).toEqual({ access: "signed-in", role: "admin", sameOrigin: true });
    expect(policyOf("/api/users/[id]", "DELETE")).toBeUndefined();
  });

  it("lets the middleware pass public routes only, by method", () => {
    expect(isPublicRequest("/api/health/live", "GET")).toBe(true);
    expect(isPublicRequest("/api/auth/refresh", "POST")).toBe(true);
    expect(isPublicRequest("/api/auth/refresh", "GET")).toBe(false);
    expect(isPublicRequest("/api/auth/me", "GET")).toBe(false);
    expect(isPublicRequest("/api/auth/verify", "HEAD")).toBe(false);
    expect(isPublicRequest("/api/unknown", "GET")).toBe(false);
    expect(isPublicRequest("/api/auth/callback/oidc", "POST")).toBe(true);
  });
});
