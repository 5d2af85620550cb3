import type { Role } from "../roles/roles";

/**
 * Who may call what: every route handler of the app, by path (as in the `app/` folder) and
 * method. The one table both gates read: the Edge middleware lets `public` routes through
 * without a session, and `guardedRoute` (policy/guarded-route.ts) enforces the rest in the
 * handler itself. tests/unit/route-policies.test.ts walks `app/` and fails on a route missing
 * here, or listed here and gone. Pure data: it lives in edge/ because the middleware reads it.
 */
export type RoutePolicy =
  /** Anyone: the credential (if any) is the request's own, checked by the handler. */
  | { access: "public"; why: string }
  | {
      access: "signed-in";
      /** The least role (admin ⊇ campaign_manager ⊇ viewer). */
      role: Role;
      /** Only a browser session, not an API token. */
      session?: "cookie";
      /** A cookie-authenticated request must come from this app's origin (CSRF). */
      sameOrigin?: boolean;
      /** The handler is also called for a revoked or expired sign-in (to let it sign out). */
      ended?: "allow";
    };

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

const pub = (why: string): RoutePolicy => ({ access: "public", why });
const viewer: RoutePolicy = { access: "signed-in", role: "viewer" };
const admin: RoutePolicy = { access: "signed-in", role: "admin" };
/** An administrator's change: a Bearer token, or a cookie from this app's own pages (CSRF). */
const adminWrite: RoutePolicy = { access: "signed-in", role: "admin", sameOrigin: true };

export const ROUTE_POLICIES = {
  "/.well-known/jwks.json": { GET: pub("the public keys API tokens are signed with") },
  "/api/health": { GET: pub("readiness for load balancers") },
  "/api/health/live": { GET: pub("liveness for load balancers") },
  "/api/health/ready": { GET: pub("readiness for load balancers") },
  "/api/metrics": { GET: pub("Prometheus: METRICS_TOKEN, or loopback only") },
  "/api/auth/login": { GET: pub("starts a sign-in") },
  "/api/auth/discover": { POST: pub("the sign-in page's email step: finds the organisation's sign-in") },
  "/api/auth/initiate": { GET: pub("a sign-in started at the IdP (OpenID Connect Core §4)"), POST: pub("a sign-in started at the IdP (form post)") },
  "/api/auth/callback/oidc": { GET: pub("the IdP's redirect back"), POST: pub("the IdP's redirect back (form_post)") },
  "/api/auth/session": { GET: pub("answers null without a session"), POST: pub("answers 405") },
  "/api/auth/refresh": { POST: pub("the refresh token is the credential") },
  "/api/auth/backchannel-logout": { POST: pub("the IdP's signed logout token is the credential") },
  "/api/shared-signals/[streamId]": { POST: pub("the transmitter's signed Security Event Token is the credential") },
  "/api/universal-logout/[connectionId]": { POST: pub("the IdP's signed JWT (Authorization: Bearer) is the credential") },
  "/api/auth/[...nextauth]": { GET: pub("Auth.js's own endpoints"), POST: pub("Auth.js's own endpoints (CSRF-checked)") },
  "/api/auth/me": { GET: viewer },
  "/api/auth/verify": { GET: viewer },
  "/api/auth/token": { POST: { access: "signed-in", role: "viewer", session: "cookie", sameOrigin: true } },
  "/api/auth/logout": { POST: { access: "signed-in", role: "viewer", sameOrigin: true, ended: "allow" } },
  "/api/setup/open": { POST: pub("a setup link's token is the credential (same origin only)") },
  "/api/setup/connection": { POST: pub("the setup link's cookie is the credential (same origin only)") },
  "/api/setup/domains": { POST: pub("the setup link's cookie is the credential (same origin only)") },
  "/api/setup/activate": { POST: pub("the setup link's cookie is the credential (same origin only)") },
  "/api/setup/test-sign-in": { GET: pub("starts a setup link's test sign-in (the link's cookie is the credential)") },
  "/scim/v2/Users": { GET: pub("the organisation's directory token is the credential (lib/scim/scim-route.ts)"), POST: pub("the directory token") },
  "/scim/v2/Users/[id]": { GET: pub("the directory token"), PUT: pub("the directory token"), PATCH: pub("the directory token"), DELETE: pub("the directory token") },
  "/scim/v2/Groups": { GET: pub("the directory token"), POST: pub("the directory token") },
  "/scim/v2/Groups/[id]": { GET: pub("the directory token"), PUT: pub("the directory token"), PATCH: pub("the directory token"), DELETE: pub("the directory token") },
  "/scim/v2/ServiceProviderConfig": { GET: pub("RFC 7644 §4: what the SCIM service supports, the same for everyone") },
  "/scim/v2/Schemas": { GET: pub("RFC 7644 §4: the schemas, the same for everyone") },
  "/scim/v2/ResourceTypes": { GET: pub("RFC 7644 §4: the resource types, the same for everyone") },
  "/api/audit": { GET: admin },
  "/api/organisations": { GET: admin, POST: adminWrite },
  "/api/organisations/[slug]/setup-links": { POST: adminWrite },
  "/api/organisations/[slug]/directory-tokens": { GET: admin, POST: adminWrite },
  "/api/organisations/[slug]/directory-tokens/[id]": { DELETE: adminWrite },
  "/api/organisations/[slug]/signal-streams": { GET: admin, POST: adminWrite },
  "/api/organisations/[slug]/signal-streams/[id]": { DELETE: adminWrite },
  "/api/organisations/[slug]": { GET: admin },
  "/api/organisations/[slug]/connections": { POST: adminWrite },
  "/api/organisations/[slug]/connections/[id]": { PATCH: adminWrite, PUT: adminWrite },
  "/api/organisations/[slug]/domains": { POST: adminWrite },
  "/api/organisations/[slug]/domains/[domain]/verify": { POST: adminWrite },
  "/api/users": { GET: admin },
  "/api/users/[id]": { GET: admin, PATCH: adminWrite },
  "/api/users/[id]/revoke-sessions": { POST: adminWrite },
  "/api/[...path]": { GET: viewer, POST: viewer, PUT: viewer, PATCH: viewer, DELETE: viewer },
  "/service-unavailable": { GET: pub("the outage page: it needs nothing") },
} as const satisfies Record<string, Partial<Record<HttpMethod, RoutePolicy>>>;

export type RoutePath = keyof typeof ROUTE_POLICIES;

const STATIC_ROUTES = new Map<string, RoutePath>();
const DYNAMIC_ROUTES: { pattern: RegExp; route: RoutePath; rank: number }[] = [];
for (const route of Object.keys(ROUTE_POLICIES) as RoutePath[]) {
  if (!route.includes("[")) {
    STATIC_ROUTES.set(route, route);
    continue;
  }
  // Next's precedence: a static segment beats [param], which beats [...catchAll].
  const source = route
    .split("/")
    .map((segment) => (segment.startsWith("[...") ? "(?:/[^/]+)+" : segment.startsWith("[") ? "/[^/]+" : segment ? `/${segment.replace(/[.*+?^${}()|\\]/g, "\\$&")}` : ""))
    .join("");
  DYNAMIC_ROUTES.push({ pattern: new RegExp(`^${source}$`), route, rank: -route.split("/").filter((segment) => !segment.startsWith("[")).length });
}
DYNAMIC_ROUTES.sort((a, b) => a.rank - b.rank);

/** The route (a key of ROUTE_POLICIES) that serves `pathname`, as Next would choose it. */
export function routeOf(pathname: string): RoutePath | undefined {
  const path = pathname.length > 1 ? pathname.replace(/\/+$/, "") : pathname;
  return STATIC_ROUTES.get(path) ?? DYNAMIC_ROUTES.find(({ pattern }) => pattern.test(path))?.route;
}

export function policyOf(route: RoutePath, method: string): RoutePolicy | undefined {
  return (ROUTE_POLICIES[route] as Partial<Record<string, RoutePolicy>>)[method.toUpperCase()];
}

/** For the middleware: may this request go on without a session? (Unknown routes may not.) */
export function isPublicRequest(pathname: string, method: string): boolean {
  const route = routeOf(pathname);
  // HEAD and OPTIONS follow the route's GET.
  const effective = method === "HEAD" || method === "OPTIONS" ? "GET" : method;
  return route !== undefined && policyOf(route, effective)?.access === "public";
}
