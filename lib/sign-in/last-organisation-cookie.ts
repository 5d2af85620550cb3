const BASE = "vsa.last-organisation";
const MAX_AGE_SECONDS = 180 * 24 * 3600;

/** The organisation this browser last signed in with: its slug only (never the email), so /signin can offer it first. */
export function lastOrganisationCookieName(secureCookies: boolean): string {
  return secureCookies ? `__Host-${BASE}` : BASE;
}

export function lastOrganisationCookie(slug: string, secureCookies: boolean) {
  return {
    name: lastOrganisationCookieName(secureCookies),
    value: slug,
    options: { httpOnly: true, sameSite: "lax" as const, path: "/", secure: secureCookies, maxAge: MAX_AGE_SECONDS },
  };
}
