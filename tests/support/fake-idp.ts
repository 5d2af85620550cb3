import { exportJWK, generateKeyPair, SignJWT, type JWTPayload } from "jose";

/** A request the app sent to the fake IdP's token endpoint. */
export type TokenRequest = { authorization: string | null; body: URLSearchParams };

type Key = { privateKey: CryptoKey; kid: string };

async function signingKey(kid: string): Promise<Key & { jwk: Record<string, unknown> }> {
  const { privateKey, publicKey } = await generateKeyPair("RS256", { extractable: true });
  return { privateKey, kid, jwk: { ...(await exportJWK(publicKey)), kid, alg: "RS256", use: "sig" } };
}

/**
 * An identity provider answered in-process, as the IdentityProvider's `transport`: discovery,
 * its published key, and a token endpoint whose answers the test decides (failures of the IdP
 * are the point; the real protocol runs against the bundled provider in the e2e suite).
 * Every token request is recorded, its Authorization header included.
 */
export async function fakeIdp(issuer = "https://idp.test") {
  const published = await signingKey("published");
  // Never published: what an ID token "signed by someone else" is signed with.
  const unpublished = await signingKey("published");
  const tokenRequests: TokenRequest[] = [];
  let answer: (request: TokenRequest) => Response | Promise<Response> = () => Response.json({ error: "server_error" }, { status: 500 });
  const metadata = {
    issuer,
    authorization_endpoint: `${issuer}/authorize`,
    token_endpoint: `${issuer}/token`,
    jwks_uri: `${issuer}/jwks`,
    // Auth.js requires one to be named, and never calls it (claims come from the ID token).
    userinfo_endpoint: `${issuer}/userinfo`,
    id_token_signing_alg_values_supported: ["RS256"],
  };

  const transport: typeof fetch = async (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    if (url === `${issuer}/.well-known/openid-configuration`) return Response.json(metadata);
    if (url === metadata.jwks_uri) return Response.json({ keys: [published.jwk] });
    if (url === metadata.token_endpoint && init?.method === "POST") {
      const request = { authorization: new Headers(init.headers).get("authorization"), body: new URLSearchParams(String(init.body)) };
      tokenRequests.push(request);
      return answer(request);
    }
    return new Response("not found", { status: 404 });
  };

  async function sign(claims: JWTPayload, key: Key) {
    return new SignJWT(claims).setProtectedHeader({ alg: "RS256", kid: key.kid }).setIssuedAt().setExpirationTime("5m").sign(key.privateKey);
  }

  return {
    issuer,
    metadata,
    transport,
    tokenRequests,
    /** How the token endpoint answers from now on. */
    answerTokenRequests(handler: (request: TokenRequest) => Response | Promise<Response>) {
      answer = handler;
    },
    /** An ID token for `clientId` signed with the published key (iss, aud, iat, exp set; `claims` win). */
    idToken: (clientId: string, claims: JWTPayload) => sign({ iss: issuer, aud: clientId, ...claims }, published),
    /** The same, signed with a key the IdP never published (its `kid` is the published one's). */
    forgedIdToken: (clientId: string, claims: JWTPayload) => sign({ iss: issuer, aud: clientId, ...claims }, unpublished),
  };
}

export type FakeIdp = Awaited<ReturnType<typeof fakeIdp>>;

/** oidc-provider's decoding of a client_secret_basic header (lib/shared/client_auth.js, decodeAuthToken). */
export function decodeAsOidcProvider(authorization: string): { clientId: string; clientSecret: string } {
  const [scheme, credentials] = authorization.split(" ");
  if (scheme !== "Basic" || !credentials) throw new Error(`not a Basic header: ${authorization}`);
  const basic = Buffer.from(credentials, "base64").toString("utf8");
  const i = basic.indexOf(":");
  const decode = (token: string) => decodeURIComponent(token.replace(/\+/g, "%20"));
  return { clientId: decode(basic.slice(0, i)), clientSecret: decode(basic.slice(i + 1)) };
}
