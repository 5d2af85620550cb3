import { base64url, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from "jose";
import { SignInRefusal, type IdTokenReason } from "../errors/sign-in-failures";

/** Clocks differ a little between the IdP and the app; more than this is a clock to fix. */
export const ID_TOKEN_CLOCK_SKEW_SECONDS = 60;
/** An ID token straight from the token endpoint is seconds old; one older than this is not. */
export const ID_TOKEN_MAX_AGE_SECONDS = 10 * 60;

export type IdTokenExpectations = {
  /** The issuer exactly as the IdP's discovery document writes it. */
  issuer: string;
  clientId: string;
  keys: JWTVerifyGetKey;
  /** Asymmetric algorithms the IdP advertises (IdentityProvider.signingAlgorithms). */
  algorithms: string[];
  /** The access token that came with the ID token, for `at_hash`. */
  accessToken?: string;
  /**
   * Whether a `nonce` must be present (a sign-in). An ID token from a renewal SHOULD NOT carry
   * one (OpenID Connect Core §12.2); the renewal compares it with the sign-in's when it does.
   */
  requireNonce?: boolean;
  currentDate?: Date;
};

// OpenID Connect Core §3.1.3.6: the left half of the hash the JWS algorithm uses.
const AT_HASH_DIGEST: Record<string, "SHA-256" | "SHA-384" | "SHA-512"> = {
  RS256: "SHA-256", PS256: "SHA-256", ES256: "SHA-256",
  RS384: "SHA-384", PS384: "SHA-384", ES384: "SHA-384",
  RS512: "SHA-512", PS512: "SHA-512", ES512: "SHA-512",
  EdDSA: "SHA-512", Ed25519: "SHA-512",
};

async function accessTokenHash(accessToken: string, alg: string): Promise<string | undefined> {
  const digest = AT_HASH_DIGEST[alg];
  if (!digest) return undefined;
  const hash = new Uint8Array(await crypto.subtle.digest(digest, new TextEncoder().encode(accessToken)));
  return base64url.encode(hash.slice(0, hash.length / 2));
}

const refuse = (reason: IdTokenReason): never => {
  throw new SignInRefusal({ code: "invalid_id_token", reason });
};

/** jose's typed errors, as the reasons a person and an operator read. */
function reasonOf(error: unknown): IdTokenReason | undefined {
  if (error instanceof errors.JWSSignatureVerificationFailed) return "signature";
  if (error instanceof errors.JWKSNoMatchingKey) return "unknown_key";
  if (error instanceof errors.JWKSMultipleMatchingKeys) return "ambiguous_key";
  if (error instanceof errors.JOSEAlgNotAllowed || error instanceof errors.JOSENotSupported) return "algorithm";
  if (error instanceof errors.JWTExpired) return "expired";
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.reason === "missing") return "missing_claim";
    if (error.claim === "iss") return "issuer";
    if (error.claim === "aud") return "audience";
    if (error.claim === "iat" || error.claim === "nbf") return "issued_in_future";
    return "missing_claim";
  }
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) return "malformed";
  return undefined;
}

/**
 * Verifies an ID token in full before anything is written (OpenID Connect Core §3.1.3.7):
 * the signature with a key the IdP publishes, an asymmetric algorithm it advertises, `iss`
 * exactly, `aud` containing this client and nothing else, `azp` when present, `exp`, `iat`
 * present and not in the future (beyond ID_TOKEN_CLOCK_SKEW_SECONDS), `sub`, a `nonce`, and
 * `at_hash` when present. The nonce's value is compared with this sign-in's by oauth4webapi,
 * right after, against the nonce cookie.
 *
 * A token without `kid` is accepted only when exactly one published key fits its algorithm;
 * when several do, it is refused (`ambiguous_key`) rather than tried against each.
 * Failures throw SignInRefusal("invalid_id_token", reason); a JWKS the IdP fails to serve
 * throws its own error (the IdP is unreachable, not the token invalid).
 */
export async function verifyIdToken(idToken: string, expected: IdTokenExpectations): Promise<JWTPayload> {
  if (expected.algorithms.length === 0) refuse("algorithm");
  let verified;
  try {
    verified = await jwtVerify(idToken, expected.keys, {
      issuer: expected.issuer,
      audience: expected.clientId,
      algorithms: expected.algorithms,
      requiredClaims: ["iss", "sub", "aud", "exp", "iat", ...(expected.requireNonce === false ? [] : ["nonce"])],
      clockTolerance: ID_TOKEN_CLOCK_SKEW_SECONDS,
      maxTokenAge: ID_TOKEN_MAX_AGE_SECONDS,
      currentDate: expected.currentDate,
    });
  } catch (error) {
    const reason = reasonOf(error);
    if (reason) refuse(reason);
    throw error;
  }
  const { payload, protectedHeader } = verified;
  // §3.1.3.7 (3): refuse extra audiences the client does not trust (it trusts none).
  if (Array.isArray(payload.aud) && payload.aud.some((audience) => audience !== expected.clientId)) refuse("audience");
  if (payload.azp !== undefined && payload.azp !== expected.clientId) refuse("azp");
  if (typeof payload.sub !== "string" || payload.sub === "") refuse("missing_claim");
  if ((payload.sub as string).length > 255) refuse("subject");
  if (payload.at_hash !== undefined && expected.accessToken !== undefined) {
    if (payload.at_hash !== (await accessTokenHash(expected.accessToken, protectedHeader.alg))) refuse("at_hash");
  }
  return payload;
}
