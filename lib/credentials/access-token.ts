import { SignJWT, errors, jwtVerify, type JWTHeaderParameters } from "jose";
import { ACCESS_TOKEN_ALGORITHMS, type ApiTokenKeys } from "./api-token-keys";
import type { AuthErrorCode } from "../errors/api-errors";
import { familyIdClaim } from "./family-id";
import { isRole, type Role } from "../roles/roles";

export type AccessTokenSettings = { issuer: string; audience: string };

/** Anything longer is not a token this app issued; refuse before parsing. */
export const MAX_ACCESS_TOKEN_LENGTH = 4096;
const ACCESS_TOKEN_TYPE = "at+jwt"; // RFC 9068

export type AccessTokenClaims = { userId: string; role: Role; familyId: string; email: string | null };

export async function mintAccessToken(
  claims: AccessTokenClaims,
  keys: ApiTokenKeys,
  settings: AccessTokenSettings & { ttlSeconds: number },
): Promise<{ token: string; jti: string; expiresAt: number }> {
  const jti = crypto.randomUUID();
  const now = Math.floor(Date.now() / 1000);
  const expiresAt = now + settings.ttlSeconds;
  const token = await new SignJWT({ role: claims.role, familyId: claims.familyId, ...(claims.email ? { email: claims.email } : {}) })
    .setProtectedHeader({ alg: keys.signing.alg, kid: keys.signing.kid, typ: ACCESS_TOKEN_TYPE })
    .setIssuer(settings.issuer)
    .setAudience(settings.audience)
    .setSubject(claims.userId)
    .setIssuedAt(now)
    .setNotBefore(now)
    .setExpirationTime(expiresAt)
    .setJti(jti)
    .sign(keys.signing.key);
  return { token, jti, expiresAt };
}

export type AccessTokenVerification =
  | { ok: true; claims: AccessTokenClaims & { jti: string; expiresAt: number } }
  | { ok: false; code: AuthErrorCode };

/**
 * Verifies signature (only with a configured key, chosen by `kid`, whose algorithm must
 * match the header's: no `none`, no HMAC-with-the-public-key confusion), `typ`, `iss`,
 * `aud`, `exp` and `nbf`, then the claims this app relies on.
 */
export async function verifyAccessToken(token: string, keys: ApiTokenKeys, settings: AccessTokenSettings): Promise<AccessTokenVerification> {
  if (token.length > MAX_ACCESS_TOKEN_LENGTH) return { ok: false, code: "invalid_token" };
  let payload;
  try {
    ({ payload } = await jwtVerify(
      token,
      (header: JWTHeaderParameters) => {
        const entry = header.kid === undefined ? undefined : keys.verification.get(header.kid);
        if (!entry || entry.alg !== header.alg) throw new errors.JWKSNoMatchingKey();
        return entry.key;
      },
      {
        algorithms: [...ACCESS_TOKEN_ALGORITHMS],
        issuer: settings.issuer,
        audience: settings.audience,
        typ: ACCESS_TOKEN_TYPE,
        requiredClaims: ["sub", "exp", "iat", "jti"],
        clockTolerance: 5,
      },
    ));
  } catch (error) {
    return { ok: false, code: error instanceof errors.JWTExpired ? "token_expired" : "invalid_token" };
  }
  const { sub, role, jti, exp, email } = payload;
  const familyId = familyIdClaim(payload);
  if (typeof sub !== "string" || !isRole(role) || familyId === undefined || typeof jti !== "string" || typeof exp !== "number") {
    return { ok: false, code: "invalid_token" };
  }
  return { ok: true, claims: { userId: sub, role, familyId, email: typeof email === "string" ? email : null, jti, expiresAt: exp } };
}
