/** What the API's answers say to caches: they are about one caller and one moment, so none may keep them. */
export const NO_STORE = { "Cache-Control": "no-store" } as const;

/** A JSON answer no cache keeps (errors: lib/errors/api-errors.ts, which adds the same). */
export function noStoreJson(body: unknown, init: { status?: number; headers?: Record<string, string> } = {}): Response {
  return Response.json(body, { status: init.status, headers: { ...NO_STORE, ...init.headers } });
}
