/**
 * CSRF defence for cookie-authenticated POSTs: the browser's `Origin` must be this app's.
 * Without an Origin header, only `Sec-Fetch-Site: same-origin` is accepted.
 */
export function isSameOriginRequest(request: { headers: Pick<Headers, "get"> }, appUrl: string): boolean {
  const origin = request.headers.get("origin");
  if (origin !== null) return origin === new URL(appUrl).origin;
  return request.headers.get("sec-fetch-site") === "same-origin";
}
