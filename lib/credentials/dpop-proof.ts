import { EmbeddedJWK, base64url, calculateJwkThumbprint, errors, jwtVerify, type JWK } from "jose";

/**
 * DPoP proofs (RFC 9449), verified with jose's primitives, on the Edge and in Node alike. Not
 * used by the gate yet: the token endpoint binding a key, the gate and forward auth asking for a
 * proof, and the replay store every instance shares come next.
 */

/** Asymmetric algorithms only (§4.2): a proof is signed by the client's private key. */
export const DPOP_ALGORITHMS = ["ES256", "ES384", "ES512", "PS256", "PS384", "PS512", "RS256", "RS384", "RS512", "EdDSA"];

/** How far a proof's `iat` may be from now (§11.1: a short window, the clock tolerance included). */
export const DPOP_PROOF_WINDOW_SECONDS = 60;

/** The reasons a proof is refused, each its own (the answer's code is RFC 9449's `invalid_dpop_proof`). */
export type DpopProofReason = "malformed" | "typ" | "alg" | "jwk" | "signature" | "htm" | "htu" | "iat" | "jti" | "ath" | "key_mismatch";

export type DpopProof = { jkt: string; jti: string; issuedAt: number };

export type DpopProofVerification = { ok: true; proof: DpopProof } | { ok: false; reason: DpopProofReason; message: string };

const refused = (reason: DpopProofReason, message: string): DpopProofVerification => ({ ok: false, reason, message });

/** §4.3 step 9: the request's URI without query and fragment, scheme and host in lower case, the default port dropped (RFC 3986 §6.2.2–6.2.3). */
export function normalisedHtu(uri: string): string | null {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return null;
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return null;
  url.hash = "";
  url.search = "";
  // WHATWG URL already lower-cases scheme and host, drops default ports and resolves dot segments.
  return url.href;
}

/** base64url(SHA-256(access token)): the proof's `ath` (§4.2). */
export async function accessTokenHash(accessToken: string): Promise<string> {
  return base64url.encode(new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(accessToken))));
}

const PRIVATE_JWK_MEMBERS = ["d", "p", "q", "dp", "dq", "qi", "k", "oth"] as const;

/**
 * A DPoP proof for `request` (its method and full URI), checked as RFC 9449 §4.3 says: one JWT,
 * `typ` dpop+jwt, an asymmetric `alg`, a public `jwk` in the header that verifies the signature,
 * `htm` the method, `htu` the URI (normalised, no query or fragment), `iat` within
 * DPOP_PROOF_WINDOW_SECONDS of now, a `jti`; with an access token, `ath` its hash and, when the
 * token is bound, the key its `cnf.jkt` names. Replay (`jti` seen before) is the caller's
 * check: it needs a store every instance shares.
 */
export async function verifyDpopProof(
  proof: string,
  request: { method: string; uri: string },
  options: { accessToken?: string; boundJkt?: string; now?: number } = {},
): Promise<DpopProofVerification> {
  if (proof.length > 8192 || proof.split(".").length !== 3) return refused("malformed", "the DPoP header is not one signed JWT");
  let verified;
  try {
    verified = await jwtVerify(proof, EmbeddedJWK, { typ: "dpop+jwt", algorithms: DPOP_ALGORITHMS, currentDate: new Date(options.now ?? Date.now()) });
  } catch (error) {
    if (error instanceof errors.JWTClaimValidationFailed && error.claim === "typ") return refused("typ", "the proof's typ is not dpop+jwt");
    if (error instanceof errors.JOSEAlgNotAllowed) return refused("alg", `the proof is not signed with an asymmetric algorithm (${DPOP_ALGORITHMS.join(", ")})`);
    if (error instanceof errors.JWSSignatureVerificationFailed) return refused("signature", "the proof's signature does not verify with the jwk in its header");
    if (error instanceof errors.JWSInvalid && /jwk/i.test(error.message)) return refused("jwk", "the proof's header carries no usable public jwk");
    if (error instanceof errors.JOSEError) return refused("malformed", `the proof could not be verified (${error.code})`);
    throw error;
  }
  const { payload, protectedHeader } = verified;
  const jwk = protectedHeader.jwk as JWK | undefined;
  if (!jwk || PRIVATE_JWK_MEMBERS.some((member) => member in jwk)) return refused("jwk", "the proof's jwk must be a public key");
  if (payload.htm !== request.method.toUpperCase()) return refused("htm", "the proof's htm is not this request's method");
  const htu = typeof payload.htu === "string" ? normalisedHtu(payload.htu) : null;
  if (htu === null || htu !== normalisedHtu(request.uri)) return refused("htu", "the proof's htu is not this request's URI");
  const now = Math.floor((options.now ?? Date.now()) / 1000);
  if (typeof payload.iat !== "number" || Math.abs(now - payload.iat) > DPOP_PROOF_WINDOW_SECONDS) return refused("iat", `the proof's iat is not within ${DPOP_PROOF_WINDOW_SECONDS} seconds of now`);
  if (typeof payload.jti !== "string" || payload.jti.length === 0 || payload.jti.length > 256) return refused("jti", "the proof has no jti");
  if (options.accessToken !== undefined && payload.ath !== (await accessTokenHash(options.accessToken))) return refused("ath", "the proof's ath is not the hash of the access token presented");
  const jkt = await calculateJwkThumbprint(jwk, "sha256");
  if (options.boundJkt !== undefined && jkt !== options.boundJkt) return refused("key_mismatch", "the proof is not signed by the key the access token is bound to");
  return { ok: true, proof: { jkt, jti: payload.jti, issuedAt: payload.iat } };
}
