/**
 * The operator organisation's id, made by the migration that introduced organisations: the
 * environment's connection (OIDC_ISSUER…) signs people in there, `npm run users` works in it,
 * and its admins administer every organisation.
 */
export const OPERATOR_ORGANISATION_ID = "operator";

/**
 * The environment's connection (OIDC_ISSUER, OIDC_CLIENT_ID…), the operator organisation's.
 * Its accounts and sign-ins were keyed "oidc" before connections existed, and still are; a
 * connection added at run time is keyed by its own id.
 */
export const ENVIRONMENT_CONNECTION_ID = "oidc";
