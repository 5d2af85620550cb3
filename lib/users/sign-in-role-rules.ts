import type { Env } from "../config/env";
import { idpRoleValues, roleFromIdpClaims } from "../roles/idp-role-mapping";
import type { SignInRoleRules } from "./upsert-user-from-oidc-profile";
import { getLogger } from "../observability/logger";

/**
 * What decides the role at this sign-in: INITIAL_ADMIN_EMAILS and, when roles come from the
 * IdP, the role its ID token's claims map to.
 *
 * A claim that is absent or unreadable still maps (to viewer, as the rule says), but is
 * logged: it is almost always the IdP's configuration (Keycloak's realm-roles mapper off for
 * the ID token, Okta's groups claim not set up, Entra ID's group overage), and an admin who
 * silently becomes a viewer needs an operator to find out why. The claim's values are never
 * logged, only its name.
 */
export function signInRoleRules(
  env: { initialAdminEmails: readonly string[]; idpRoleMapping: Env["idpRoleMapping"] },
  claims: Readonly<Record<string, unknown>>,
  request?: SignInRoleRules["request"],
): SignInRoleRules {
  const mapping = env.idpRoleMapping;
  if (!mapping) return { initialAdminEmails: env.initialAdminEmails, idpRole: null, request };
  if (idpRoleValues(claims, mapping.claim) === undefined) {
    getLogger().warn({
      event: "idp_role_claim_missing",
      claim: mapping.claim,
      msg: `The ID token has no string or string-array claim "${mapping.claim}" (OIDC_ROLE_CLAIM): the user gets viewer. Check that the identity provider puts it in the ID token.`,
      requestId: request?.requestId ?? null,
    });
  }
  return { initialAdminEmails: env.initialAdminEmails, idpRole: roleFromIdpClaims(claims, mapping), request };
}
