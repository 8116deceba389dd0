/**
 * The OAuth 2 / OpenID Connect engine shared by every OAuth 2 provider. A provider file gives
 * data (`OAuth2Spec`: settings, client authentication, PKCE, OIDC) and its profile mapping; the
 * protocol steps are oauth4webapi's (authorization response checks incl. RFC 9207 `iss`, token
 * request with the provider's client authentication, ID token claim checks) plus a JWKS
 * signature check of ID tokens with jose.
 */
import { createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey } from 'jose';
import * as oauth from 'oauth4webapi';
import type { Config, ProviderId } from '../../config/types.js';
import {
  ProviderExchangeError,
  ProviderProfileError,
  type AuthorizationStart,
  type CallbackParams,
  type FlowSecrets,
  type OAuthProvider,
  type ProviderProfile,
  type ProviderTokens,
} from './provider.js';
import { PROVIDER_TIMEOUT_MS } from './profile-http.js';
import type { TokenFetch } from './token-response.js';

const ID_TOKEN_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'EdDSA'];

/** A provider's effective settings: credentials, scopes and endpoint URLs. */
export interface OAuth2Settings {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly scopes: readonly string[];
  readonly authorizationUrl: string;
  readonly tokenUrl: string;
  readonly userProfileUrl: string;
  /** OpenID issuer; required when `isOpenIdConnect`. */
  readonly issuer?: string;
  /** JWKS of the ID tokens; required when `isOpenIdConnect`. */
  readonly jwksUrl?: string;
}

/** What a profile mapping may use. */
export interface ProfileContext {
  readonly tokens: ProviderTokens;
  readonly callback: CallbackParams;
  readonly settings: OAuth2Settings;
}

/** One OAuth 2 provider as data plus its profile mapping. */
export interface OAuth2Spec {
  readonly id: ProviderId;
  /** The provider's settings, or null when it is not enabled. */
  settings(config: Config): OAuth2Settings | null;
  /** How the token endpoint wants the client to authenticate (RFC 6749 §2.3.1). */
  readonly clientAuth: 'basic' | 'post';
  /** Send an S256 PKCE challenge to the provider and the verifier at the exchange. */
  readonly usesPkce: boolean;
  /** Send a nonce, and validate the ID token of the token response (signature, iss, aud, nonce, exp). */
  readonly isOpenIdConnect: boolean;
  /** Names of `providerSpecificParams` forwarded to the authorization URL. */
  readonly specificParams?: readonly string[];
  /** A client secret that changes over time (Apple's generated JWT); read at each token request. Default: `settings.clientSecret`. */
  currentClientSecret?(): string;
  /** Fixed extra authorization parameters (e.g. `approval_prompt=force`). */
  extraAuthorizationParams?(settings: OAuth2Settings): Record<string, string>;
  /** The fetch of token requests, when the provider's token response needs mending (token-response.ts). */
  readonly tokenFetch?: TokenFetch;
  /** Token response → normalized profile; throw `ProviderProfileError` on any failure. */
  fetchProfile(context: ProfileContext): Promise<ProviderProfile>;
}

/** http:// is allowed only towards this machine (tests, local doubles); anything else needs TLS. */
function isLoopback(url: string): boolean {
  const host = new URL(url).hostname;
  return host === '127.0.0.1' || host === 'localhost' || host === '[::1]';
}

function authorizationServer(settings: OAuth2Settings): oauth.AuthorizationServer {
  return {
    issuer: settings.issuer || new URL(settings.authorizationUrl).origin,
    authorization_endpoint: settings.authorizationUrl,
    token_endpoint: settings.tokenUrl,
    userinfo_endpoint: settings.userProfileUrl,
    ...(settings.jwksUrl ? { jwks_uri: settings.jwksUrl } : {}),
  };
}

function tokensOf(response: oauth.TokenEndpointResponse): ProviderTokens {
  const claims = oauth.getValidatedIdTokenClaims(response);
  return {
    accessToken: response.access_token,
    refreshToken: response.refresh_token ?? null,
    expiresInSeconds: typeof response.expires_in === 'number' ? response.expires_in : null,
    idToken: response.id_token ?? null,
    idTokenClaims: claims ? { ...claims } : null,
  };
}

/**
 * A non-OpenID provider's token response may still carry an ID token (Microsoft does with the
 * `openid` scope) whose issuer cannot be configured (Microsoft's names the user's tenant): when
 * no issuer is set we read the identity from the profile endpoint alone, so the ID token is
 * dropped before oauth4webapi would refuse its unexpected `iss`.
 */
async function withoutIdToken(response: Response): Promise<Response> {
  if (!response.ok || !(response.headers.get('content-type') ?? '').includes('json')) return response;
  const body: unknown = await response
    .clone()
    .json()
    .catch(() => null);
  if (body === null || typeof body !== 'object' || Array.isArray(body) || !('id_token' in body)) return response;
  const { id_token: _dropped, ...rest } = body as Record<string, unknown>;
  const headers = new Headers(response.headers);
  headers.delete('content-length');
  return new Response(JSON.stringify(rest), { status: response.status, statusText: response.statusText, headers });
}

/** The reference's authorization URL: our parameters sorted by key, appended after `&` when the URL has a query. */
export function buildAuthorizationUrl(base: string, params: Record<string, string>): URL {
  const query = new URLSearchParams(params);
  query.sort();
  return new URL(`${base}${base.includes('?') ? '&' : '?'}${query.toString()}`);
}

/** An `OAuthProvider` for `spec` with the current configuration, or null when disabled. */
export function createOAuth2Provider(spec: OAuth2Spec, config: Config): OAuthProvider | null {
  const settings = spec.settings(config);
  if (!settings) return null;
  const as = authorizationServer(settings);
  const client: oauth.Client = { client_id: settings.clientId };
  // Built per request: oauth4webapi refuses an empty secret, which must fail the exchange, not start-up.
  const secret = () => spec.currentClientSecret?.() ?? settings.clientSecret;
  const clientAuth = () => (spec.clientAuth === 'basic' ? oauth.ClientSecretBasic(secret()) : oauth.ClientSecretPost(secret()));
  const requestOptions = () => ({
    [oauth.allowInsecureRequests]: isLoopback(settings.tokenUrl),
    signal: AbortSignal.timeout(PROVIDER_TIMEOUT_MS),
    ...(spec.tokenFetch ? { [oauth.customFetch]: spec.tokenFetch } : {}),
  });
  let jwks: JWTVerifyGetKey | undefined;

  async function checkIdTokenSignature(idToken: string): Promise<void> {
    if (!settings || !settings.jwksUrl || !settings.issuer) throw new ProviderExchangeError(`${spec.id}: OpenID provider without issuer or JWKS URL`);
    jwks ??= createRemoteJWKSet(new URL(settings.jwksUrl));
    await jwtVerify(idToken, jwks, { issuer: settings.issuer, audience: settings.clientId, algorithms: ID_TOKEN_ALGORITHMS });
  }

  async function processed(response: () => Promise<Response>, process: (r: Response) => Promise<oauth.TokenEndpointResponse>): Promise<ProviderTokens> {
    try {
      const received = await response();
      // An ID token is checked when its issuer is known (OpenID providers; LinkedIn on branch prov-b), dropped otherwise.
      const result = await process(spec.isOpenIdConnect || settings?.issuer ? received : await withoutIdToken(received));
      if (spec.isOpenIdConnect && result.id_token !== undefined) await checkIdTokenSignature(result.id_token);
      return tokensOf(result);
    } catch (err) {
      if (err instanceof ProviderExchangeError) throw err;
      throw new ProviderExchangeError(`${spec.id}: token request failed`, { cause: err });
    }
  }

  return {
    id: spec.id,
    protocol: 'oauth2',
    async authorizationUrl(start: AuthorizationStart): Promise<URL> {
      const params: Record<string, string> = {
        client_id: settings.clientId,
        redirect_uri: start.redirectUri,
        response_type: 'code',
        scope: settings.scopes.join(' '),
        state: start.state,
        ...spec.extraAuthorizationParams?.(settings),
      };
      if (spec.usesPkce) {
        params['code_challenge'] = await oauth.calculatePKCECodeChallenge(start.codeVerifier);
        params['code_challenge_method'] = 'S256';
      }
      if (spec.isOpenIdConnect) params['nonce'] = start.nonce;
      for (const name of spec.specificParams ?? []) {
        const value = start.specificParams[name];
        if (value !== undefined && value !== '') params[name] = value;
      }
      return buildAuthorizationUrl(settings.authorizationUrl, params);
    },

    async exchangeCode(callback: CallbackParams, flow: FlowSecrets): Promise<ProviderTokens> {
      let validated: URLSearchParams;
      try {
        const received = new URLSearchParams({ code: callback.code ?? '' });
        if (callback.iss !== undefined) received.set('iss', callback.iss);
        validated = oauth.validateAuthResponse(as, client, received, oauth.expectNoState);
      } catch (err) {
        throw new ProviderExchangeError(`${spec.id}: authorization response refused`, { cause: err });
      }
      const verifier = spec.usesPkce ? flow.codeVerifier : oauth.nopkce;
      return processed(
        () => oauth.authorizationCodeGrantRequest(as, client, clientAuth(), validated, flow.redirectUri, verifier, requestOptions()),
        (r) => oauth.processAuthorizationCodeResponse(as, client, r, { expectedNonce: spec.isOpenIdConnect ? flow.nonce : oauth.expectNoNonce }),
      );
    },

    async fetchProfile(tokens: ProviderTokens, callback: CallbackParams): Promise<ProviderProfile> {
      const profile = await spec.fetchProfile({ tokens, callback, settings });
      if (profile.id === '') throw new ProviderProfileError(`${spec.id}: the profile has no subject id`);
      return profile;
    },

    async refreshTokens(refreshToken: string): Promise<ProviderTokens> {
      return processed(() => oauth.refreshTokenGrantRequest(as, client, clientAuth(), refreshToken, requestOptions()), (r) =>
        oauth.processRefreshTokenResponse(as, client, r),
      );
    },
  };
}
