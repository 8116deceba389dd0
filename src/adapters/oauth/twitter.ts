/**
 * Twitter (X) sign-in with OAuth 1.0a (PROVIDERS.md §5, §6.16), signed by the `oauth-1.0a`
 * package (HMAC-SHA1). Start: a signed request-token call with our callback URL (which carries
 * the state), then the browser goes to the authorize page. Callback: the access-token call with
 * the request token and verifier, then `verify_credentials.json?include_email=true`.
 *
 * The request-token secret is handed to the flow by `beginAuthorization` and kept in the flow's
 * sealed, single-use server-side state record, never sent to the browser. At the callback it
 * signs the access-token call (RFC 5849 §3.4.2; the reference discarded it and signed with an
 * empty secret, which Twitter happens to tolerate), and the callback's `oauth_token` must be the
 * request token obtained for this very state, so a token from another flow cannot be swapped in.
 */
import { createHmac, randomBytes } from 'node:crypto';
import OAuth from 'oauth-1.0a';
import type { Config, TwitterProviderConfig } from '../../config/types.js';
import { objectOf, PROVIDER_TIMEOUT_MS, stringField, unclaimedEmailProfile } from './profile-http.js';
import {
  ProviderProfileError,
  type AuthorizationStart,
  type CallbackParams,
  type FlowSecrets,
  type OAuthProvider,
  type ProviderProfile,
  type ProviderTokens,
} from './provider.js';

/**
 * The access-token secret of tokens this module issued, for the profile call that follows in the
 * same request. Kept beside the tokens rather than in them, so it is never stored or returned as
 * part of the provider session.
 */
const accessSecrets = new WeakMap<ProviderTokens, string>();

/** Twitter's `verify_credentials` document → profile (EV = non-empty). */
export function twitterProfileOf(user: Record<string, unknown>): ProviderProfile {
  // Twitter returns an address only once it is confirmed, but asserts nothing in a claim.
  return unclaimedEmailProfile({
    id: stringField(user, 'id_str'),
    email: stringField(user, 'email'),
    displayName: stringField(user, 'name'),
    avatarUrl: stringField(user, 'profile_image_url_https'),
    raw: user,
  });
}

interface RequestToken {
  readonly token: string;
  readonly secret: string;
}

function parseRequestToken(providerSecret: string | undefined): RequestToken | null {
  if (providerSecret === undefined) return null;
  try {
    const parsed = JSON.parse(providerSecret) as Partial<RequestToken>;
    return typeof parsed.token === 'string' && typeof parsed.secret === 'string' ? { token: parsed.token, secret: parsed.secret } : null;
  } catch {
    return null;
  }
}

export function createTwitterProvider(config: Config): OAuthProvider | null {
  const p: TwitterProviderConfig = config.providers.twitter;
  if (!p.enabled) return null;
  const oauth = new OAuth({
    consumer: { key: p.consumerKey, secret: p.consumerSecret },
    signature_method: 'HMAC-SHA1',
    hash_function: (base, key) => createHmac('sha1', key).update(base).digest('base64'),
  });
  // The package's nonce uses Math.random; a nonce must not be predictable.
  oauth.getNonce = () => randomBytes(16).toString('hex');

  /** One signed call; `extra` are the call's own parameters (oauth_* ones go in the header too, as Twitter documents). */
  async function signedCall(method: 'GET' | 'POST', url: string, extra: Record<string, string>, token: OAuth.Token | undefined): Promise<Response> {
    const authorized = oauth.authorize({ url, method, data: extra }, token);
    const oauthExtras = Object.fromEntries(Object.entries(extra).filter(([k]) => k.startsWith('oauth_')));
    const others = new URLSearchParams(Object.entries(extra).filter(([k]) => !k.startsWith('oauth_')));
    const target = method === 'GET' && [...others].length > 0 ? `${url}${url.includes('?') ? '&' : '?'}${others}` : url;
    return fetch(target, {
      method,
      headers: { ...oauth.toHeader({ ...authorized, ...oauthExtras }), accept: 'application/json' },
      signal: AbortSignal.timeout(PROVIDER_TIMEOUT_MS),
      redirect: 'error',
    });
  }

  async function formAnswer(response: Response, what: string): Promise<URLSearchParams> {
    if (response.status !== 200) {
      await response.body?.cancel();
      throw new Error(`twitter: ${what} answered ${response.status}`);
    }
    return new URLSearchParams(await response.text());
  }

  async function beginAuthorization(start: AuthorizationStart): Promise<{ url: URL; providerSecret: string }> {
    const callback = `${start.redirectUri}?state=${encodeURIComponent(start.state)}`;
    const answer = await formAnswer(await signedCall('POST', p.requestTokenUrl, { oauth_callback: callback }, undefined), 'request_token');
    const token = answer.get('oauth_token') ?? '';
    if (token === '' || answer.get('oauth_callback_confirmed') !== 'true') throw new Error('twitter: request_token answer without a confirmed callback');
    const url = new URL(p.authorizationUrl);
    url.searchParams.set('oauth_token', token);
    return { url, providerSecret: JSON.stringify({ token, secret: answer.get('oauth_token_secret') ?? '' } satisfies RequestToken) };
  }

  return {
    id: 'twitter',
    protocol: 'oauth1',
    beginAuthorization,
    async authorizationUrl(start: AuthorizationStart): Promise<URL> {
      return (await beginAuthorization(start)).url;
    },

    /**
     * The access-token call. Its failures are ProviderProfileError: the reference reports them as
     * `oauth-profile-fetch-failed` (PROVIDERS.md §3.2 step 7).
     */
    async exchangeCode(callback: CallbackParams, flow: FlowSecrets): Promise<ProviderTokens> {
      const requestToken = parseRequestToken(flow.providerSecret);
      const token = callback.oauth_token ?? '';
      if (requestToken !== null && token !== requestToken.token) throw new ProviderProfileError('twitter: oauth_token is not the request token of this flow');
      try {
        const answer = await formAnswer(
          await signedCall('POST', p.tokenUrl, { oauth_verifier: callback.oauth_verifier ?? '' }, { key: token, secret: requestToken?.secret ?? '' }),
          'access_token',
        );
        const accessToken = answer.get('oauth_token') ?? '';
        const accessSecret = answer.get('oauth_token_secret') ?? '';
        if (accessToken === '' || accessSecret === '') throw new Error('twitter: access_token answer without a token and secret');
        const tokens: ProviderTokens = { accessToken, refreshToken: null, expiresInSeconds: null, idToken: null, idTokenClaims: null };
        accessSecrets.set(tokens, accessSecret);
        return tokens;
      } catch (err) {
        throw new ProviderProfileError('twitter: access token request failed', { cause: err });
      }
    },

    async fetchProfile(tokens: ProviderTokens): Promise<ProviderProfile> {
      let user: Record<string, unknown>;
      try {
        const response = await signedCall('GET', p.userProfileUrl, { include_email: 'true' }, { key: tokens.accessToken, secret: accessSecrets.get(tokens) ?? '' });
        if (response.status !== 200) {
          await response.body?.cancel();
          throw new Error(`verify_credentials answered ${response.status}`);
        }
        user = objectOf(await response.json(), 'twitter: verify_credentials');
      } catch (err) {
        throw new ProviderProfileError('twitter: profile request failed', { cause: err });
      }
      const profile = twitterProfileOf(user);
      if (profile.id === '') throw new ProviderProfileError('twitter: the profile has no id_str');
      return profile;
    },
  };
}
