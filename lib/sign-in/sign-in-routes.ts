import { safeCallbackPath } from "../http/callback-url";

/** Where a sign-in through `connectionId` starts: the login endpoint with the email as login_hint. */
export function loginPath(connectionId: string, callbackUrl: string, loginHint?: string): string {
  const query = new URLSearchParams({ connection: connectionId, callbackUrl: safeCallbackPath(callbackUrl, "http://localhost") });
  if (loginHint) query.set("login_hint", loginHint);
  return `/api/auth/login?${query}`;
}
