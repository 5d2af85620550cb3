// The security headers of every response, in one place. Plain JavaScript with no imports:
// next.config.mjs (plain Node, evaluated at build time) sends the constant ones on every
// response, and the Edge middleware adds what depends on the request (the pages' nonce) or on
// the configuration at run time (https). Nothing here reads the environment itself.

/**
 * JSON answers (/api/*, /.well-known/*) are never documents: nothing may load from them and
 * no page may frame them, so an API response opened in a tab cannot run or embed anything.
 */
export const API_CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'";

/**
 * Browser features the console's pages do not use, denied to them and to anything they might
 * embed. The copy buttons on the profile page write to the clipboard, so clipboard-write
 * stays allowed for the console itself. Only features Chromium knows: an unknown one is a
 * console error on every page.
 */
export const PERMISSIONS_POLICY = [
  "accelerometer=()",
  "autoplay=()",
  "browsing-topics=()",
  "camera=()",
  "clipboard-read=()",
  "clipboard-write=(self)",
  "display-capture=()",
  "encrypted-media=()",
  "fullscreen=()",
  "geolocation=()",
  "gyroscope=()",
  "hid=()",
  "idle-detection=()",
  "magnetometer=()",
  "microphone=()",
  "midi=()",
  "payment=()",
  "picture-in-picture=()",
  "publickey-credentials-get=()",
  "screen-wake-lock=()",
  "serial=()",
  "usb=()",
  "xr-spatial-tracking=()",
].join(", ");

/** Two years, this host and its subdomains: the value the HSTS preload list asks for (without opting in). */
export const STRICT_TRANSPORT_SECURITY = "max-age=63072000; includeSubDomains";

/** Headers that are the same on every response, whatever the request or the configuration. */
export const CONSTANT_SECURITY_HEADERS = Object.freeze([
  { key: "X-Content-Type-Options", value: "nosniff" },
  // The path and query stay on this origin; other sites see the origin at most, never over http.
  { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
  // frame-ancestors supersedes it where CSP is understood; kept for the browsers that do not.
  { key: "X-Frame-Options", value: "DENY" },
  { key: "Permissions-Policy", value: PERMISSIONS_POLICY },
]);

/**
 * HSTS only when the app is served over https (AUTH_URL): over plain http browsers ignore it,
 * and a development server on http://localhost must not pin localhost to https.
 * @param {{ https: boolean }} options
 * @returns {string | undefined}
 */
export function strictTransportSecurity({ https }) {
  return https ? STRICT_TRANSPORT_SECURITY : undefined;
}

/**
 * The request header the middleware passes a page's nonce on in, for the few responses that
 * write their own HTML (the service-unavailable page). It always overwrites what a client sent.
 */
export const NONCE_REQUEST_HEADER = "x-nonce";

/**
 * A fresh nonce for one page response: 128 random bits, base64 (Web Crypto, so it runs on the
 * Edge runtime).
 * @returns {string}
 */
export function createNonce() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes));
}

/**
 * The pages' Content-Security-Policy. Scripts run only with this response's nonce (Next.js
 * reads it from the request's Content-Security-Policy header and puts it on its own scripts);
 * 'strict-dynamic' lets those load the page's chunks, and 'self' is the fallback for browsers
 * without CSP 3. The sign-in goes to the IdP by a link and its redirects, never a form, so
 * form-action needs nothing but this origin. Development needs 'unsafe-eval' (React rebuilds
 * server error stacks with eval) and inline styles (the dev server injects unnonced <style>;
 * a nonce in style-src would disable 'unsafe-inline').
 * @param {string} nonce
 * @param {{ https: boolean, development: boolean }} options
 * @returns {string}
 */
export function pageContentSecurityPolicy(nonce, { https, development }) {
  const directives = [
    // Nothing the pages do not use: no frames, workers, media or manifests.
    "default-src 'none'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${development ? " 'unsafe-eval'" : ""}`,
    `style-src 'self' ${development ? "'unsafe-inline'" : `'nonce-${nonce}'`}`,
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ];
  // Over https, a stray http:// subresource is fetched over https instead of leaking in clear.
  if (https) directives.push("upgrade-insecure-requests");
  return directives.join("; ");
}
