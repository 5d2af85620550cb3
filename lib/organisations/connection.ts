import type { Env } from "../config/env";
import type { IdpRoleMapping } from "../roles/idp-role-mapping";
import { ENVIRONMENT_CONNECTION_ID, OPERATOR_ORGANISATION_ID } from "./operator-organisation";

/**
 * One OpenID Connect identity provider that signs an organisation's people in: the
 * environment's (OIDC_ISSUER…) or one added at run time. Everything the sign-in, renewal and
 * back-channel logout need to talk to it and to judge what it asserts.
 */
export type Connection = {
  /** The account key of its users ("oidc" for the environment's, else the row's id). */
  id: string;
  organisationId: string;
  displayName: string;
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Space-separated, "openid" included. */
  scopes: string;
  idpRoleMapping: IdpRoleMapping | null;
  /** Who becomes admin at their first sign-in (INITIAL_ADMIN_EMAILS: the environment's connection only). */
  initialAdminEmails: readonly string[];
  /**
   * The email domains it may sign in, exactly. null (the environment's connection): any email,
   * or none, except one of a domain another organisation has verified.
   */
  allowedDomains: readonly string[] | null;
  enabled: boolean;
  /** Moves at every change: what the IdP caches are keyed by. */
  version: number;
};

/** OIDC_ISSUER, OIDC_CLIENT_ID… as the operator organisation's connection. */
export function environmentConnection(env: Env): Connection {
  return {
    id: ENVIRONMENT_CONNECTION_ID,
    organisationId: OPERATOR_ORGANISATION_ID,
    displayName: "Your organisation's sign-in",
    issuer: env.oidcIssuer,
    clientId: env.oidcClientId,
    clientSecret: env.oidcClientSecret,
    scopes: env.oidcScopes,
    idpRoleMapping: env.idpRoleMapping,
    initialAdminEmails: env.initialAdminEmails,
    allowedDomains: null,
    enabled: true,
    version: 0,
  };
}
