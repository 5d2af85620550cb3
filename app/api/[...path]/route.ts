import { guardedRoute } from "@/lib/access/guarded-route";
import { apiError } from "@/lib/errors/api-errors";

// A path under /api that no route serves: 404 JSON for a signed-in caller (an anonymous one
// already got 401 from the middleware, so unknown paths reveal nothing), never Next's HTML page.
const notFound = () =>
  Promise.resolve(apiError("not_found", { message: "No API route has this path. See docs/api.md." }));

export const GET = guardedRoute("/api/[...path]", "GET", notFound);
export const POST = guardedRoute("/api/[...path]", "POST", notFound);
export const PUT = guardedRoute("/api/[...path]", "PUT", notFound);
export const PATCH = guardedRoute("/api/[...path]", "PATCH", notFound);
export const DELETE = guardedRoute("/api/[...path]", "DELETE", notFound);
