const BASE = "vsa.setup-link";

/** The setup link's token, once its holder opened it: HttpOnly, so no script reads it, and Lax, so no other site's form posts with it. */
export function setupLinkCookieName(secureCookies: boolean): string {
  return secureCookies ? `__Host-${BASE}` : BASE;
}

export function setupLinkCookie(token: string, expiresAt: Date, secureCookies: boolean) {
  return {
    name: setupLinkCookieName(secureCookies),
    value: token,
    options: { httpOnly: true, sameSite: "lax" as const, path: "/", secure: secureCookies, expires: expiresAt },
  };
}

export function clearedSetupLinkCookie(secureCookies: boolean) {
  return { name: setupLinkCookieName(secureCookies), value: "", options: { httpOnly: true, sameSite: "lax" as const, path: "/", secure: secureCookies, maxAge: 0 } };
}
