// Plain JavaScript, so next.config.mjs can read it as the TypeScript code does.

/** The most a request body may be, on every route that reads one: JSON or form fields fit many times over. */
export const MAX_BODY_BYTES = 16 * 1024;

/**
 * Next buffers a body for the middleware up to this (10 MB by default) before any of our
 * checks run, and hands the route only the first so many bytes of a longer one. One byte over
 * our own limit: a longer body then reaches the route still too long, and is refused (413)
 * instead of arriving cut to a length that passes.
 */
export const NEXT_BODY_CLONE_LIMIT_BYTES = MAX_BODY_BYTES + 1;
