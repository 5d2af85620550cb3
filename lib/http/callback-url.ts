const DEFAULT_AFTER_SIGN_IN = "/profile";

/**
 * Where to land after sign-in: a path on this app only. Anything else (another origin,
 * a protocol-relative `//host`, a backslash trick, garbage) falls back to the profile,
 * so the login endpoint can never be used as an open redirect.
 */
export function safeCallbackPath(candidate: unknown, appUrl: string): string {
  if (typeof candidate !== "string" || !candidate) return DEFAULT_AFTER_SIGN_IN;
  const origin = new URL(appUrl).origin;
  let resolved: URL;
  try {
    resolved = new URL(candidate, origin);
  } catch {
    return DEFAULT_AFTER_SIGN_IN;
  }
  if (resolved.origin !== origin) return DEFAULT_AFTER_SIGN_IN;
  const path = `${resolved.pathname}${resolved.search}${resolved.hash}`;
  // Checked on the result: "/.//evil.example" normalises to the protocol-relative "//evil.example".
  if (!path.startsWith("/") || path.startsWith("//") || path.includes("\\")) return DEFAULT_AFTER_SIGN_IN;
  return path;
}
