import type { Env } from "../config/env";
import { IdentityProvider, IdpMetadataError } from "../oidc/identity-provider";

export type DiscoveryCheck =
  | { ok: true; issuer: string; authorizationEndpoint: string; tokenEndpoint: string; signingAlgorithms: string[]; backchannelLogout: boolean }
  | { ok: false; message: string };

const LOOPBACK = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/;

/**
 * What an IT admin's issuer says about itself, checked live before a connection is saved:
 * https (plain http to this machine only, as OIDC_ISSUER), a discovery document naming exactly this
 * issuer with https endpoints, an authorization and a token endpoint, PKCE S256 when it says
 * which methods it supports, and an asymmetric ID token signing algorithm. The message says
 * what to fix at the IdP.
 */
export async function checkIdpDiscovery(issuer: string, env: Pick<Env, "oidcHttpTimeoutMs">): Promise<DiscoveryCheck> {
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    return { ok: false, message: "the issuer is not a URL" };
  }
  if (url.protocol !== "https:" && !(url.protocol === "http:" && LOOPBACK.test(url.hostname))) return { ok: false, message: "the issuer must be an https:// URL (plain http only to localhost, 127.0.0.1 or [::1])" };
  const idp = new IdentityProvider(issuer, { timeoutMs: env.oidcHttpTimeoutMs });
  try {
    const metadata = await idp.metadata();
    if (typeof metadata.authorization_endpoint !== "string" || typeof metadata.token_endpoint !== "string") {
      return { ok: false, message: "the discovery document has no authorization_endpoint or token_endpoint" };
    }
    if (typeof metadata.jwks_uri !== "string") return { ok: false, message: "the discovery document has no jwks_uri" };
    const pkce = metadata.code_challenge_methods_supported;
    if (Array.isArray(pkce) && !pkce.includes("S256")) return { ok: false, message: "the identity provider does not support PKCE with S256" };
    const signingAlgorithms = await idp.signingAlgorithms();
    if (signingAlgorithms.length === 0) return { ok: false, message: "the identity provider signs ID tokens with no asymmetric algorithm the console accepts (RS256, PS256, ES256, EdDSA…)" };
    return {
      ok: true,
      issuer: metadata.issuer,
      authorizationEndpoint: metadata.authorization_endpoint,
      tokenEndpoint: metadata.token_endpoint,
      signingAlgorithms,
      backchannelLogout: metadata.backchannel_logout_supported === true,
    };
  } catch (error) {
    if (error instanceof IdpMetadataError) return { ok: false, message: error.message };
    const name = error instanceof Error ? error.name : "";
    return { ok: false, message: name === "TimeoutError" ? `the discovery document did not arrive within ${env.oidcHttpTimeoutMs} ms` : "the discovery document could not be fetched (is the issuer reachable from the console?)" };
  }
}
