import type { ClientAuth } from "oauth4webapi";

/**
 * RFC 6749 §2.3.1: the client id and secret are form-encoded before they are joined for HTTP
 * Basic. This is the encoding Auth.js uses at sign-in (encodeURIComponent, a space as `+`),
 * kept as it is so that sign-in sends what it always sent. oauth4webapi's ClientSecretBasic
 * also escapes `-._~!*'()`, which IdPs that compare the secret as written (LemonLDAP::NG)
 * refuse: one encoding for every call to the token endpoint is what makes renewal authenticate
 * exactly as sign-in does.
 */
function formEncode(value: string): string {
  return encodeURIComponent(value).replace(/%20/g, "+");
}

/** The `Authorization` header value of client_secret_basic. Edge-safe: the encoded text is ASCII. */
export function clientSecretBasicAuthorization(clientId: string, clientSecret: string): string {
  return `Basic ${btoa(`${formEncode(clientId)}:${formEncode(clientSecret)}`)}`;
}

/** The client's credentials at the IdP (OIDC_CLIENT_ID, OIDC_CLIENT_SECRET). */
export type ClientCredentials = { clientId: string; clientSecret: string };

/** client_secret_basic as an oauth4webapi client authentication (the session renewal's). */
export function clientSecretBasic(credentials: ClientCredentials): ClientAuth {
  return (_as, _client, _body, headers) => {
    headers.set("authorization", clientSecretBasicAuthorization(credentials.clientId, credentials.clientSecret));
  };
}
