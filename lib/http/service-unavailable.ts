import { redirect } from "next/navigation";
import { escapeHtml } from "./escape-html";
import { safeCallbackPath } from "./callback-url";
import { NO_STORE } from "./no-store";

/**
 * What a page shows when the database is down: a 503, not Next's 500. The App Router cannot
 * set a status from a page, so a page that cannot decide the session sends the browser here
 * (app/service-unavailable/route.ts), and this route handler answers 503 with a small page of
 * its own that needs nothing but this module: no layout, no database, no stylesheet build.
 */
export const SERVICE_UNAVAILABLE_PATH = "/service-unavailable";

/** How long a client should wait before trying again, in seconds. */
const RETRY_AFTER_SECONDS = 30;

/** Ends the page's render with a redirect to the 503 page, which offers to come back to `from`. */
export function showServiceUnavailable(from: string): never {
  redirect(`${SERVICE_UNAVAILABLE_PATH}?${new URLSearchParams({ from })}`);
}

// The app's look (Tailwind's slate and indigo), written out: the page must not depend on the build's CSS.
const STYLE = `
  body { margin: 0; min-height: 100vh; background: #f8fafc; color: #0f172a; font-family: ui-sans-serif, system-ui, sans-serif; }
  header { border-bottom: 1px solid #e2e8f0; background: #fff; }
  header p { max-width: 42rem; margin: 0 auto; padding: 0.75rem 1rem; font-weight: 600; }
  main { max-width: 42rem; margin: 0 auto; padding: 4rem 1rem; }
  h1 { font-size: 1.5rem; margin: 0 0 1rem; }
  p.detail { color: #334155; line-height: 1.5; }
  a.retry { display: inline-block; margin-top: 1rem; border-radius: 0.375rem; background: #4f46e5; color: #fff; padding: 0.625rem 1.25rem; font-weight: 500; text-decoration: none; }
  a.retry:hover { background: #6366f1; }
  a.retry:focus-visible { outline: 2px solid #4f46e5; outline-offset: 2px; }
`;

/**
 * The 503 page. `nonce` is this response's (the middleware sets the policy and passes the nonce
 * on); `from` is where "Try again" leads, a path on this app only.
 */
export function serviceUnavailablePage({ nonce, from, appUrl }: { nonce: string | null; from: string | null; appUrl: string }): Response {
  const retryPath = escapeHtml(safeCallbackPath(from ?? "/", appUrl));
  const nonceAttribute = nonce ? ` nonce="${escapeHtml(nonce)}"` : "";
  const html = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Service unavailable · VoiceSurveyAgent console</title>
<style${nonceAttribute}>${STYLE}</style>
</head>
<body>
<header><p>VoiceSurveyAgent</p></header>
<main>
<h1>Service unavailable</h1>
<p class="detail">The console cannot reach its database right now, so it cannot show this page. Nothing you did caused this. Try again in a minute; if it keeps happening, tell your administrator.</p>
<a class="retry" href="${retryPath}">Try again</a>
</main>
</body>
</html>
`;
  return new Response(html, {
    status: 503,
    headers: {
      "Content-Type": "text/html; charset=utf-8",
      ...NO_STORE,
      "Retry-After": String(RETRY_AFTER_SECONDS),
    },
  });
}
