import { NEXT_BODY_CLONE_LIMIT_BYTES } from "./lib/http/max-body-bytes.mjs";
import { API_CONTENT_SECURITY_POLICY, CONSTANT_SECURITY_HEADERS } from "./lib/http/security-headers.mjs";

const apiContentSecurityPolicy = [{ key: "Content-Security-Policy", value: API_CONTENT_SECURITY_POLICY }];

/** @type {import('next').NextConfig} */
const nextConfig = {
  poweredByHeader: false,
  reactStrictMode: true,
  // Loaded by Node at run time, never bundled: Prisma's client and the pg driver.
  // prom-client and pino too: one instance per process, whatever the bundles.
  serverExternalPackages: ["@prisma/client", "@prisma/adapter-pg", "pg", "prom-client", "pino", "pino-pretty"],
  // forbidden() from next/navigation: a signed-in user without the role gets a 403 page.
  // The body Next buffers for the middleware: our limit, not Next's 10 MB (lib/http/max-body-bytes.mjs).
  experimental: { authInterrupts: true, proxyClientMaxBodySize: NEXT_BODY_CLONE_LIMIT_BYTES },
  // Evaluated at build time: only what never changes. The pages' nonce-based policy and HSTS
  // (which depends on AUTH_URL at run time) come from the middleware (middleware.ts).
  async headers() {
    return [
      { source: "/:path*", headers: [...CONSTANT_SECURITY_HEADERS] },
      { source: "/api/:path*", headers: apiContentSecurityPolicy },
      { source: "/.well-known/:path*", headers: apiContentSecurityPolicy },
    ];
  },
};

export default nextConfig;
