import { createRemoteJWKSet, customFetch, jwksCache, type ExportedJWKSCache, type JWTVerifyGetKey } from "jose";
import type { Env } from "../config/env";
import { metrics } from "../observability/metrics";
import { clientSecretBasicAuthorization, type ClientCredentials } from "./client-authentication";

export type IdpMetadata = {
  issuer: string;
  authorization_endpoint?: string;
  token_endpoint?: string;
  userinfo_endpoint?: string;
  jwks_uri?: string;
  end_session_endpoint?: string;
  id_token_signing_alg_values_supported?: unknown;
  [parameter: string]: unknown;
};

export type IdentityProviderOptions = {
  /** Every call to the IdP is aborted after this (OIDC_HTTP_TIMEOUT_MS). */
  timeoutMs: number;
  /** Discovery and the JWKS are reused this long, by every sign-in and logout (OIDC_METADATA_TTL_SECONDS). */
  metadataTtlMs?: number;
  /** An unknown `kid` refetches the JWKS at most this often (OIDC_JWKS_REFETCH_COOLDOWN_SECONDS). */
  jwksCooldownMs?: number;
  transport?: typeof fetch;
  /**
   * The client's credentials: every POST to the discovered token endpoint is authenticated
   * with them (client-authentication.ts), whatever the caller set, Auth.js's code exchange
   * included. Without them, requests go as the caller made them.
   */
  clientCredentials?: ClientCredentials;
  /** Told how every call went (the IdP latency metric): which endpoint, ok / http_4xx / timeout / error, seconds. */
  observe?: (endpoint: string, outcome: string, seconds: number) => void;
};

export const DEFAULT_METADATA_TTL_MS = 10 * 60 * 1000;

/** The most any IdP answer's body may be (discovery, keys, token response): each is a few KiB. */
export const MAX_IDP_BODY_BYTES = 512 * 1024;

/** The endpoints the console calls or sends browsers to, from the discovery document. */
const ENDPOINTS = ["authorization_endpoint", "token_endpoint", "userinfo_endpoint", "jwks_uri", "end_session_endpoint"] as const;

function isLoopbackHost(hostname: string): boolean {
  return hostname === "localhost" || hostname === "[::1]" || hostname.startsWith("127.");
}

/**
 * https, or plain http on loopback for an issuer that is itself plain http on loopback (the
 * bundled provider; production refuses any other http issuer). An https IdP that names an http
 * endpoint would send the client secret or the keys in the clear.
 */
export function secureEndpoint(value: string, issuer: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (url.protocol === "https:") return true;
  const issuerUrl = new URL(issuer);
  return url.protocol === "http:" && issuerUrl.protocol === "http:" && isLoopbackHost(issuerUrl.hostname) && isLoopbackHost(url.hostname);
}

/**
 * The same response, its body failing once more than `maxBytes` have been read, or when
 * `signal` (the call's deadline) fires while it is still arriving.
 */
export function capBody(response: Response, maxBytes: number, signal: AbortSignal): Response {
  if (!response.body) return response;
  const reader = response.body.getReader();
  let read = 0;
  const fail = (controller: ReadableStreamDefaultController<Uint8Array>, reason: unknown) => {
    try {
      controller.error(reason);
    } catch {
      // already closed or failed
    }
    reader.cancel(reason).catch(() => {});
  };
  const capped = new ReadableStream<Uint8Array>({
    start(controller) {
      signal.addEventListener("abort", () => fail(controller, signal.reason), { once: true });
    },
    async pull(controller) {
      const { done, value } = await reader.read().catch((error: unknown) => (fail(controller, error), { done: true, value: undefined }));
      if (signal.aborted) return;
      if (done || !value) {
        try {
          controller.close();
        } catch {
          // failed meanwhile
        }
        return;
      }
      read += value.byteLength;
      if (read > maxBytes) return fail(controller, new IdpMetadataError(`the identity provider's answer is larger than ${maxBytes / 1024} KiB`));
      controller.enqueue(value);
    },
    cancel: (reason) => reader.cancel(reason),
  });
  return new Response(capped, { status: response.status, statusText: response.statusText, headers: response.headers });
}
export const DEFAULT_JWKS_REFETCH_COOLDOWN_MS = 30 * 1000;

/**
 * The signature algorithms an ID token may use: asymmetric only. `none` and HMAC (signed
 * with the client secret, which an attacker who learnt it could forge) are never accepted.
 */
export const ASYMMETRIC_ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA", "Ed25519"];

/** Issuer identifiers compared as URLs, as Auth.js does ("https://idp" equals "https://idp/"). */
export function sameIssuer(a: string, b: string): boolean {
  try {
    return new URL(a).href === new URL(b).href;
  } catch {
    return false;
  }
}

export function discoveryUrl(issuer: string): string {
  return `${issuer.replace(/\/$/, "")}/.well-known/openid-configuration`;
}

/** The IdP sent something other than what OpenID Connect Discovery requires. */
export class IdpMetadataError extends Error {
  /** The HTTP status of the discovery answer, when that was the problem. */
  constructor(message: string, readonly status?: number) {
    super(message);
    this.name = "IdpMetadataError";
  }
}

/**
 * This app's view of its identity provider, one per process and issuer:
 * - `fetch` is the only way the app calls the IdP (Auth.js's own calls included, through its
 *   provider `[customFetch]`): every call is aborted after OIDC_HTTP_TIMEOUT_MS, and requests
 *   for the discovery document are answered from the cache; every POST to the token endpoint
 *   carries the client's credentials as client-authentication.ts encodes them (sign-in's
 *   code exchange and the session renewal alike);
 * - the discovery document is fetched at most once per TTL (only successes
 *   are kept; concurrent callers share one request);
 * - the JWKS is jose's remote key set: cached, refetched when a token names an unknown `kid`
 *   (at most once per cooldown), so keys the IdP rotates in are picked up
 *   without a restart. Sign-in and back-channel logout share it.
 */
export class IdentityProvider {
  private metadataEntry: { metadata: IdpMetadata; fetchedAtMs: number } | undefined;
  private pendingMetadata: Promise<IdpMetadata> | undefined;
  private keySet: { jwksUri: string; keys: JWTVerifyGetKey; cache: Partial<ExportedJWKSCache> } | undefined;
  private readonly timeoutMs: number;
  private readonly metadataTtlMs: number;
  private readonly jwksCooldownMs: number;
  private readonly transport: typeof fetch;
  private readonly observe: NonNullable<IdentityProviderOptions["observe"]>;
  private readonly clientCredentials: ClientCredentials | undefined;

  constructor(
    readonly issuer: string,
    options: IdentityProviderOptions,
  ) {
    this.timeoutMs = options.timeoutMs;
    this.metadataTtlMs = options.metadataTtlMs ?? DEFAULT_METADATA_TTL_MS;
    this.jwksCooldownMs = options.jwksCooldownMs ?? DEFAULT_JWKS_REFETCH_COOLDOWN_MS;
    this.transport = options.transport ?? ((input, init) => fetch(input, init));
    this.observe = options.observe ?? (() => {});
    this.clientCredentials = options.clientCredentials;
  }

  /** fetch, bounded by the timeout; the discovery document comes from the cache. */
  readonly fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = input instanceof Request ? input.url : String(input);
    if (sameIssuer(url, discoveryUrl(this.issuer))) return Response.json(await this.metadata());
    if (this.clientCredentials && (init?.method ?? (input instanceof Request ? input.method : "GET")).toUpperCase() === "POST" && (await this.isTokenEndpoint(url))) {
      return this.boundedFetch(input, { ...init, headers: this.authenticated(input, init, this.clientCredentials) });
    }
    return this.boundedFetch(input, init);
  };

  private async isTokenEndpoint(url: string): Promise<boolean> {
    const tokenEndpoint = (await this.metadata()).token_endpoint;
    return typeof tokenEndpoint === "string" && sameIssuer(url, tokenEndpoint);
  }

  /** The request's headers with client_secret_basic as client-authentication.ts writes it: one implementation for sign-in and renewal. */
  private authenticated(input: string | URL | Request, init: RequestInit | undefined, credentials: ClientCredentials): Headers {
    const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
    headers.set("authorization", clientSecretBasicAuthorization(credentials.clientId, credentials.clientSecret));
    return headers;
  }

  /**
   * One call to the IdP. The timeout bounds the whole of it, the body too: the signal stays on
   * the response, so a body that trickles in is abandoned at the same deadline as silence. A
   * redirect is never followed (the client's credentials go to the discovered endpoint and
   * nowhere else): it reaches the caller as the 3xx it is, a failure. A body over
   * MAX_IDP_BODY_BYTES fails as it is read.
   */
  private async boundedFetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const signal = init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
    const endpoint = this.endpointOf(input instanceof Request ? input.url : String(input));
    const startedAt = performance.now();
    try {
      const response = await this.transport(input, { ...init, redirect: "manual", signal });
      this.observe(endpoint, response.ok ? "ok" : `http_${Math.floor(response.status / 100)}xx`, (performance.now() - startedAt) / 1000);
      return capBody(response, MAX_IDP_BODY_BYTES, signal);
    } catch (error) {
      this.observe(endpoint, error instanceof Error && error.name === "TimeoutError" ? "timeout" : "error", (performance.now() - startedAt) / 1000);
      throw error;
    }
  }

  /** Which of the IdP's endpoints a URL is, by its discovery document (for the metric's label). */
  private endpointOf(url: string): string {
    if (url.endsWith("/.well-known/openid-configuration")) return "discovery";
    const metadata = this.metadataEntry?.metadata;
    const endpoints = { jwks: metadata?.jwks_uri, token: metadata?.token_endpoint, userinfo: metadata?.userinfo_endpoint, end_session: metadata?.end_session_endpoint };
    const path = url.split("?")[0];
    return Object.entries(endpoints).find(([, endpoint]) => endpoint === path)?.[0] ?? "other";
  }

  /** The discovery document (OpenID Connect Discovery 1.0), checked to name this issuer. */
  async metadata(nowMs = Date.now()): Promise<IdpMetadata> {
    if (this.metadataEntry && nowMs - this.metadataEntry.fetchedAtMs < this.metadataTtlMs) return this.metadataEntry.metadata;
    this.pendingMetadata ??= this.fetchMetadata().finally(() => {
      this.pendingMetadata = undefined;
    });
    return this.pendingMetadata;
  }

  /** When the discovery document was last fetched successfully (readiness), or undefined. */
  get metadataFetchedAtMs(): number | undefined {
    return this.metadataEntry?.fetchedAtMs;
  }

  /** What this process last fetched from the IdP: the discovery document and the key set (when, how many keys). */
  health(): { discoveryFetchedAtMs: number | null; keysFetchedAtMs: number | null; keyCount: number | null } {
    const cache = this.keySet?.cache;
    return { discoveryFetchedAtMs: this.metadataEntry?.fetchedAtMs ?? null, keysFetchedAtMs: cache?.uat ?? null, keyCount: cache?.jwks ? cache.jwks.keys.length : null };
  }

  private async fetchMetadata(): Promise<IdpMetadata> {
    const response = await this.boundedFetch(discoveryUrl(this.issuer), { headers: { accept: "application/json" }, redirect: "manual" });
    if (response.status !== 200) throw new IdpMetadataError(`the discovery document answered HTTP ${response.status}`, response.status);
    const metadata = (await response.json().catch(() => null)) as IdpMetadata | null;
    if (typeof metadata !== "object" || metadata === null || Array.isArray(metadata)) throw new IdpMetadataError("the discovery document is not a JSON object");
    if (typeof metadata.issuer !== "string" || !sameIssuer(metadata.issuer, this.issuer)) throw new IdpMetadataError("the discovery document names another issuer");
    for (const name of ENDPOINTS) {
      const value = metadata[name];
      if (value !== undefined && !(typeof value === "string" && secureEndpoint(value, this.issuer))) {
        throw new IdpMetadataError(`the discovery document's ${name} is not an https URL`);
      }
    }
    this.metadataEntry = { metadata, fetchedAtMs: Date.now() };
    return metadata;
  }

  /** The IdP's published signing keys, for jose's jwtVerify. */
  async keys(): Promise<JWTVerifyGetKey> {
    const { jwks_uri: jwksUri } = await this.metadata();
    if (typeof jwksUri !== "string") throw new IdpMetadataError("the discovery document has no jwks_uri");
    if (this.keySet?.jwksUri !== jwksUri) {
      // jose writes each fetched key set and its time here: what health() reports.
      const cache: Partial<ExportedJWKSCache> = {};
      const keys = createRemoteJWKSet(new URL(jwksUri), {
        timeoutDuration: this.timeoutMs,
        cooldownDuration: this.jwksCooldownMs,
        cacheMaxAge: this.metadataTtlMs,
        [customFetch]: (url: string, options: RequestInit) => this.boundedFetch(url, options),
        // An empty object is what jose asks for (JWKSCacheInput); it fills it in.
        [jwksCache]: cache as Record<string, never>,
      });
      this.keySet = { jwksUri, keys, cache };
    }
    return this.keySet.keys;
  }

  /**
   * The algorithms an ID token or logout token from this IdP may be signed with: what it says
   * it uses (RS256 when it does not say, as OpenID Connect Discovery specifies), asymmetric only.
   */
  async signingAlgorithms(): Promise<string[]> {
    const advertised = (await this.metadata()).id_token_signing_alg_values_supported;
    const supported = Array.isArray(advertised) ? advertised.filter((alg): alg is string => typeof alg === "string") : ["RS256"];
    return supported.filter((alg) => ASYMMETRIC_ALGORITHMS.includes(alg));
  }
}

// One per process and connection, on globalThis: Next bundles route handlers separately,
// and each bundle would otherwise keep (and fetch) its own copy. Keyed by the connection's id,
// so a connection changed at run time replaces its entry instead of adding one.
const REGISTRY_KEY = Symbol.for("voicesurveyagent.identityProviders");
const registry = ((globalThis as Record<symbol, unknown>)[REGISTRY_KEY] ??= new Map<string, { settings: string; idp: IdentityProvider }>()) as Map<
  string,
  { settings: string; idp: IdentityProvider }
>;

type IdpTiming = Pick<Env, "oidcHttpTimeoutMs" | "oidcMetadataTtlSeconds" | "oidcJwksRefetchCooldownSeconds">;

/** What one connection's identity provider is: where, and as which client. */
export type IdpClient = { id: string; issuer: string; clientId: string; clientSecret: string };

/** The health of a connection's identity provider in this process, if it was used here since the start (else null). */
export function identityProviderHealthOf(connectionId: string): ReturnType<IdentityProvider["health"]> | null {
  return registry.get(connectionId)?.idp.health() ?? null;
}

/**
 * The identity provider of one connection, with its discovery and key caches, shared by every
 * sign-in, renewal and logout through it. A change of issuer, client or secret starts afresh.
 */
export function identityProviderOf(client: IdpClient, timing: IdpTiming): IdentityProvider {
  const settings = [client.issuer, client.clientId, client.clientSecret, timing.oidcHttpTimeoutMs, timing.oidcMetadataTtlSeconds, timing.oidcJwksRefetchCooldownSeconds].join("\u0000");
  const entry = registry.get(client.id);
  if (entry?.settings === settings) return entry.idp;
  const idp = new IdentityProvider(client.issuer, {
    timeoutMs: timing.oidcHttpTimeoutMs,
    metadataTtlMs: timing.oidcMetadataTtlSeconds * 1000,
    jwksCooldownMs: timing.oidcJwksRefetchCooldownSeconds * 1000,
    clientCredentials: { clientId: client.clientId, clientSecret: client.clientSecret },
    observe: (endpoint, outcome, seconds) => metrics.idpRequestSeconds.observe({ endpoint, outcome }, seconds),
  });
  registry.set(client.id, { settings, idp });
  return idp;
}
