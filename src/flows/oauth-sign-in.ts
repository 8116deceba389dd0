/**
 * Signing in with an OAuth provider (API.md §3.9, PROVIDERS.md §2–4, API-NEWER.md §2.4–2.5):
 * the start (state, browser cookie, authorization URL) and the callback (state check, code
 * exchange, profile, then P-FLOW or linking). Every outcome is a redirect; the handlers only
 * translate it.
 */
import { sealSecret } from '../adapters/crypto/secret-box.js';
import { ProviderExchangeError, ProviderProfileError, type CallbackParams, type OAuthProvider, type ProviderTokens } from '../adapters/oauth/provider.js';
import { providerFor } from '../adapters/oauth/registry.js';
import type { ProviderId } from '../config/types.js';
import { AuthError, type ErrorCode } from '../errors.js';
import type { FlowDeps } from './deps.js';
import { authenticateToken } from './authenticate.js';
import { callbackUrlOf, consumeOAuthState, createOAuthState, keepProviderSecret, type OAuthFlow } from './oauth-state.js';
import { createAuthorizationCode } from './pkce.js';
import { linkProviderAccount, signInWithProviderProfile } from './provider-sign-in.js';
import { isRedirectAllowed } from './rules/redirect.js';
import type { SignUpOptionsInput } from './rules/sign-up-options.js';
import { hasuraUserIdOf } from './user-checks.js';

/**
 * Where to send the browser: `target` plus `params`, and `error` (with its description) when the
 * flow failed; the cookies go with the redirect. The handler builds the URL.
 */
export interface OAuthRedirect {
  target: string;
  error: ErrorCode | null;
  params: Record<string, string>;
  setCookies: string[];
}

const redirectTo = (target: string, params: Record<string, string>, setCookies: string[] = []): OAuthRedirect => ({ target, error: null, params, setCookies });
const errorTo = (target: string, error: ErrorCode, params: Record<string, string>, setCookies: string[] = []): OAuthRedirect => ({ target, error, params, setCookies });

export interface StartProviderSignInInput {
  provider: ProviderId;
  options: SignUpOptionsInput;
  connect?: string | undefined;
  clientState?: string | undefined;
  codeChallenge?: string | undefined;
  specificParams: Record<string, string>;
}

const RELATIVE_BASE = 'http://relative.invalid';

/**
 * `GET /signin/provider/{provider}`. Throws AuthError for the JSON answers (`redirectTo` not
 * allowed / not a URL); everything else is a redirect.
 */
export async function startProviderSignIn(deps: FlowDeps, input: StartProviderSignInInput): Promise<OAuthRedirect> {
  const target = input.options.redirectTo ?? deps.config.server.clientUrl;
  if (input.options.redirectTo !== undefined) {
    if (!URL.canParse(target, RELATIVE_BASE)) throw new AuthError('invalid-request');
    if (!isRedirectAllowed(deps.redirects, target)) throw new AuthError('redirectTo-not-allowed');
  }
  const extra: Record<string, string> = input.clientState !== undefined ? { state: input.clientState } : {};
  const fail = (code: ErrorCode): OAuthRedirect => errorTo(target, code, extra);
  const provider = providerFor(deps.config, input.provider);
  if (!provider) return fail('disabled-endpoint');
  // `connect`: the token is checked now and only the user id is kept, server-side (compat S27).
  let connectUserId: string | null = null;
  if (input.connect !== undefined) {
    const auth = await authenticateToken(deps, input.connect);
    if (!auth.ok) return fail('invalid-request');
    try {
      connectUserId = hasuraUserIdOf(auth.auth.hasuraUserId);
    } catch {
      return fail('invalid-request');
    }
  }
  const flow: OAuthFlow = {
    options: input.options,
    connectUserId,
    codeChallenge: input.codeChallenge ?? null,
    clientState: input.clientState ?? null,
    codeVerifier: deps.random.bytes(32).toString('base64url'),
    nonce: deps.random.bytes(24).toString('base64url'),
    redirectUri: callbackUrlOf(deps, input.provider),
  };
  try {
    const { state, cookie } = await createOAuthState(deps, input.provider, flow, provider.usesFormPost === true);
    const start = { redirectUri: flow.redirectUri, state, codeVerifier: flow.codeVerifier, nonce: flow.nonce, specificParams: input.specificParams };
    let url: URL;
    if (provider.beginAuthorization) {
      const begun = await provider.beginAuthorization(start);
      await keepProviderSecret(deps, state, flow, begun.providerSecret);
      url = begun.url;
    } else {
      url = await provider.authorizationUrl(start);
    }
    return { target: url.toString(), error: null, params: {}, setCookies: [cookie] };
  } catch (err) {
    deps.log.error({ err, provider: input.provider }, 'could not start the provider sign-in');
    return fail('internal-server-error');
  }
}

/** The callback's input: the provider's parameters and the browser's cookies. */
export interface FinishProviderSignInInput {
  provider: ProviderId;
  params: CallbackParams & { state: string; error?: string | undefined; error_description?: string | undefined; error_uri?: string | undefined };
  cookieHeader: string | undefined;
}

/** The provider session stored sealed in `user_providers.access_token` (SCHEMA-NEWER.md §4.7). */
export function providerSessionOf(tokens: ProviderTokens, now: Date): { accessToken: string; expiresIn: number; expiresAt: string; refreshToken: string | null } {
  const expiresIn = tokens.expiresInSeconds ?? 0;
  return {
    accessToken: tokens.accessToken,
    expiresIn,
    expiresAt: expiresIn > 0 ? new Date(now.getTime() + expiresIn * 1000).toISOString() : '0001-01-01T00:00:00Z',
    refreshToken: tokens.refreshToken,
  };
}

/** `GET`/`POST /signin/provider/{provider}/callback`: always a redirect. */
export async function finishProviderSignIn(deps: FlowDeps, input: FinishProviderSignInInput): Promise<OAuthRedirect> {
  const { clientUrl } = deps.config.server;
  const isFormPost = providerFor(deps.config, input.provider)?.usesFormPost === true;
  const checked = await consumeOAuthState(deps, input.provider, input.params.state, input.cookieHeader, isFormPost);
  const setCookies = checked.clearCookie ? [checked.clearCookie] : [];
  if (!checked.ok) {
    deps.log.warn({ provider: input.provider }, 'OAuth callback with an invalid, replayed, expired or foreign state');
    return errorTo(clientUrl, 'invalid-state', { provider_state: input.params.state }, setCookies);
  }
  const { flow } = checked;
  const extra: Record<string, string> = flow.clientState !== null ? { state: flow.clientState } : {};
  const target = flow.options.redirectTo ?? clientUrl;
  if (!isRedirectAllowed(deps.redirects, target) && flow.options.redirectTo !== undefined) {
    return errorTo(clientUrl, 'redirectTo-not-allowed', extra, setCookies);
  }
  if (input.params.error) {
    const providerError = {
      provider_error: input.params.error,
      provider_error_description: input.params.error_description ?? '',
      provider_error_url: input.params.error_uri ?? '',
    };
    return errorTo(clientUrl, 'oauth-provider-error', { ...providerError, ...extra }, setCookies);
  }
  const outcome = await completeSignIn(deps, input, flow, target).catch((err: unknown): ErrorCode => {
    if (err instanceof AuthError) {
      if (err.status >= 500) deps.log.error({ err, cause: err.cause }, 'provider sign-in failed');
      else deps.log.warn({ code: err.code, provider: input.provider }, 'provider sign-in refused');
      return err.code;
    }
    deps.log.error({ err, provider: input.provider }, 'provider sign-in failed');
    return 'internal-server-error';
  });
  if (typeof outcome === 'string') return errorTo(target, outcome, extra, setCookies);
  return redirectTo(target, { ...outcome, ...extra }, setCookies);
}

async function tokensAndProfile(provider: OAuthProvider, input: FinishProviderSignInInput, flow: OAuthFlow) {
  let tokens: ProviderTokens;
  try {
    tokens = await provider.exchangeCode(input.params, flow);
  } catch (err) {
    if (err instanceof ProviderExchangeError) throw new AuthError('oauth-token-echange-failed', { cause: err });
    // Twitter's access-token call fails as a profile failure, as in the reference (PROVIDERS.md §3.2 step 7).
    if (err instanceof ProviderProfileError) throw new AuthError('oauth-profile-fetch-failed', { cause: err });
    throw err;
  }
  try {
    return { tokens, profile: await provider.fetchProfile(tokens, input.params) };
  } catch (err) {
    if (err instanceof ProviderProfileError) throw new AuthError('oauth-profile-fetch-failed', { cause: err });
    throw err;
  }
}

/** After the state and the provider's own error: the parameters to add to the target on success. */
async function completeSignIn(deps: FlowDeps, input: FinishProviderSignInInput, flow: OAuthFlow, target: string): Promise<Record<string, string>> {
  const provider = providerFor(deps.config, input.provider);
  if (!provider) throw new AuthError('disabled-endpoint');
  const { tokens, profile } = await tokensAndProfile(provider, input, flow);
  const providerSession = sealSecret(deps.encryptionKey, JSON.stringify(providerSessionOf(tokens, deps.clock.now())));
  if (flow.connectUserId !== null) {
    await linkProviderAccount(deps, { userId: flow.connectUserId, provider: input.provider, profile, providerSession });
    return {};
  }
  const { codeChallenge } = flow;
  const result = await signInWithProviderProfile(deps, {
    provider: input.provider,
    profile,
    options: flow.options,
    providerSession,
    isSessionWanted: codeChallenge === null,
    codeChallenge: codeChallenge ?? undefined,
  });
  switch (result.kind) {
    case 'session':
      return { refreshToken: result.session.refreshToken };
    case 'verification-pending':
      return {};
    case 'user': {
      if (codeChallenge === null) throw new AuthError('internal-server-error');
      const code = await deps.db.transaction((tx) => createAuthorizationCode(deps, tx, { userId: result.user.id, codeChallenge, redirectTo: target }));
      return { code };
    }
  }
}
