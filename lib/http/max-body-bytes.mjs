// Plain JavaScript, so next.config.mjs can read it as the TypeScript code does.

/** The most a request body may be, on every route that reads one: JSON or form fields fit many times over. */
export const MAX_BODY_BYTES = 16 * 1024;

/**
 * Next buffers a body for the middleware up to this (10 MB by default) before any of our
 * checks run, and hands the route only the chunks that came before the one that crossed it:
 * silently cut at a chunk boundary, so a body cut just under our own limit would pass. Socket
 * chunks are at most 64 KiB here; with this limit a cut body is still far over MAX_BODY_BYTES
 * and refused (413), and Next buffers 1 MiB at most instead of 10 MB.
 */
export const NEXT_BODY_CLONE_LIMIT_BYTES = 1024 * 1024;
