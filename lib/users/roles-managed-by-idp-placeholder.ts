import type { Env } from "../env";

// PLACEHOLDER until the IdP role mapping lands (OIDC_ROLE_CLAIM / OIDC_ROLE_MAP, another
// change): that change exports the real function, and the imports of this file switch to it.
// Until then no role is managed by the identity provider, so administrators set every role.

/** Whether the identity provider decides roles at each sign-in (manual changes are refused). */
export function rolesManagedByIdp(_env: Env): boolean {
  return false;
}

/**
 * The same answer for `npm run users`, which reads only the database's variables (it needs no
 * AUTH_SECRET): from the raw environment it runs in.
 */
export function rolesManagedByIdpForCli(_variables: Record<string, string | undefined>): boolean {
  return false;
}
