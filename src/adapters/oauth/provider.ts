/**
 * The one shape every sign-in provider has (STYLE: authorization URL, code exchange, profile).
 * A provider is data plus a short file for its quirks; `oauth2.ts` runs the protocol for all
 * OAuth 2 / OpenID Connect providers, and the registry (`registry.ts`) lists them.
 */
import type { Config, ProviderId } from '../../config/types.js';

/** A provider profile in one shape, whatever the provider's JSON looked like (PROVIDERS.md §4). */
export interface ProviderProfile {
  /** The stable subject id at the provider; an empty id aborts the sign-in. */
  readonly id: string;
  /** `''` when the provider gave none. */
  readonly email: string;
  /**
   * The reference's verified flag for this provider (PROVIDERS.md §6.17): what a NEW user's
   * `email_verified` is set to. Several providers count any non-empty address as verified here.
   */
  readonly emailVerified: boolean;
  /**
   * The raw value of the provider's own "this address is verified" claim, exactly as received
   * (`true`, `"true"`, absent…). Whether it may link an existing account is decided by the
   * trust table in `email-trust.ts`, never by the provider file.
   */
  readonly emailVerifiedClaim: unknown;
  /** `''` when none. */
  readonly displayName: string;
  /** `''` when none. */
  readonly avatarUrl: string;
  /** `''` when none. Informational: a new user's locale comes from the request (PROVIDERS.md §4). */
  readonly locale: string;
  /** The provider's profile document(s), for logging-free debugging and future mappings. */
  readonly raw: Readonly<Record<string, unknown>>;
}

/** What the token endpoint gave us (only what is worth keeping). */
export interface ProviderTokens {
  readonly accessToken: string;
  readonly refreshToken: string | null;
  readonly expiresInSeconds: number | null;
  /** The ID token, already validated when the provider is OpenID Connect. */
  readonly idToken: string | null;
  /** Claims of the validated ID token, or null. */
  readonly idTokenClaims: Readonly<Record<string, unknown>> | null;
  /** A profile delivered with the tokens (WorkOS SSO answers it in the token response). */
  readonly profileDocument?: Readonly<Record<string, unknown>>;
}

/** Everything a provider needs to send the browser to its authorization page. */
export interface AuthorizationStart {
  /** Our `redirect_uri`: `AUTH_SERVER_URL + /signin/provider/<p>/callback`. */
  readonly redirectUri: string;
  /** The signed state value. */
  readonly state: string;
  /** PKCE verifier towards the provider (kept server-side; only its S256 challenge is sent). */
  readonly codeVerifier: string;
  /** OpenID nonce (sent as is; the ID token must echo it). */
  readonly nonce: string;
  /** `providerSpecificParams` from the start request (only names the provider declares are used). */
  readonly specificParams: Readonly<Record<string, string>>;
}

/** The callback's parameters (query for GET, form body for POST), as received. */
export interface CallbackParams {
  readonly code?: string | undefined;
  readonly state?: string | undefined;
  readonly iss?: string | undefined;
  readonly id_token?: string | undefined;
  readonly user?: string | undefined;
  readonly oauth_token?: string | undefined;
  readonly oauth_verifier?: string | undefined;
}

/** The server-side secrets of one flow, from the single-use state record. */
export interface FlowSecrets {
  readonly redirectUri: string;
  readonly codeVerifier: string;
  readonly nonce: string;
  /** What `beginAuthorization` asked to keep (OAuth 1.0a: the request token and its secret); absent otherwise. */
  readonly providerSecret?: string | undefined;
}

export interface OAuthProvider {
  readonly id: ProviderId;
  readonly protocol: 'oauth2' | 'oauth1';
  /**
   * The provider POSTs the callback from its own site (`response_mode=form_post`, Apple): the
   * browser-binding cookie must then be `SameSite=None; Secure` to come along.
   */
  readonly usesFormPost?: boolean;
  /** The URL of the provider's authorization page (OAuth 1.0a may call the provider first). */
  authorizationUrl(start: AuthorizationStart): Promise<URL>;
  /**
   * Like `authorizationUrl`, for providers that obtain a secret while starting (OAuth 1.0a's
   * request-token secret): the flow keeps `providerSecret` in its sealed, single-use server-side
   * state record and hands it back in `FlowSecrets`. Never sent to the browser. Prefer this
   * method when present.
   */
  beginAuthorization?(start: AuthorizationStart): Promise<{ url: URL; providerSecret: string }>;
  /** Code (or OAuth 1.0a verifier) → tokens. Throws `ProviderExchangeError`. */
  exchangeCode(callback: CallbackParams, flow: FlowSecrets): Promise<ProviderTokens>;
  /** Tokens → normalized profile. Throws `ProviderProfileError`. */
  fetchProfile(tokens: ProviderTokens, callback: CallbackParams): Promise<ProviderProfile>;
  /** Refresh-token grant (`POST /token/provider/{p}`); absent for OAuth 1.0a. Throws `ProviderExchangeError`. */
  refreshTokens?(refreshToken: string): Promise<ProviderTokens>;
}

/** Builds a provider from the configuration; null when the provider is not enabled. */
export type ProviderFactory = (config: Config) => OAuthProvider | null;

/** The provider refused or botched the token request (→ `oauth-token-echange-failed`). */
export class ProviderExchangeError extends Error {
  override readonly name = 'ProviderExchangeError';
}

/** The profile could not be read or lacks a subject id (→ `oauth-profile-fetch-failed`). */
export class ProviderProfileError extends Error {
  override readonly name = 'ProviderProfileError';
}
