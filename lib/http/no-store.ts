import { NextResponse } from "next/server";

/** What the API's answers say to caches: they are about one caller and one moment, so none may keep them. */
export const NO_STORE = { "Cache-Control": "no-store" } as const;

/** A redirect no cache keeps (a sign-in's steps: each is one person's, once). */
export function noStoreRedirect(url: string, status: 302 | 303): NextResponse {
  const response = NextResponse.redirect(url, status);
  response.headers.set("Cache-Control", NO_STORE["Cache-Control"]);
  return response;
}

/** A JSON answer no cache keeps (errors: lib/errors/api-errors.ts, which adds the same). */
export function noStoreJson(body: unknown, init: { status?: number; headers?: Record<string, string> } = {}): Response {
  return Response.json(body, { status: init.status, headers: { ...NO_STORE, ...init.headers } });
}
