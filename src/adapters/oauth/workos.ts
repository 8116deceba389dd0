/**
 * WorkOS SSO (PROVIDERS.md §6.10). Its token endpoint is not a standard OAuth 2 one: it answers
 * `{access_token, profile}` without `token_type`, so this provider speaks it directly instead of
 * through the oauth4webapi engine. The profile comes in that response (the reference called
 * `GET /sso/profile` afterwards; WorkOS documents both). Which SSO connection to use comes from
 * `providerSpecificParams` (`organization`, `connection`, `domain`), else the configured defaults.
 */
import type { Config } from '../../config/types.js';
import { joinedName } from './microsoft.js';
import { buildAuthorizationUrl } from './oauth2.js';
import { objectOf, PROVIDER_TIMEOUT_MS, stringField, unclaimedEmailProfile } from './profile-http.js';
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

const SELECTORS = ['organization', 'connection', 'domain'] as const;

/** WorkOS profile → ours: `id`, `email` (EV = non-empty), `first_name last_name`. */
export function workosProfileOf(profile: Readonly<Record<string, unknown>>): ProviderProfile {
  // WorkOS relays whatever the customer's identity provider asserts; it has no verified claim.
  return unclaimedEmailProfile({
    id: stringField(profile, 'id'),
    email: stringField(profile, 'email'),
    displayName: joinedName(stringField(profile, 'first_name'), stringField(profile, 'last_name')),
    avatarUrl: '',
    raw: profile,
  });
}

async function postToken(url: string, form: URLSearchParams): Promise<Record<string, unknown>> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: form,
      signal: AbortSignal.timeout(PROVIDER_TIMEOUT_MS),
      redirect: 'error',
    });
  } catch (err) {
    throw new ProviderExchangeError(`workos: token request to ${new URL(url).origin} failed`, { cause: err });
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new ProviderExchangeError(`workos: token request answered ${response.status}`);
  }
  try {
    return objectOf(await response.json(), 'workos: token response');
  } catch (err) {
    throw new ProviderExchangeError('workos: token response is not a JSON object', { cause: err });
  }
}

export function createWorkosProvider(config: Config): OAuthProvider | null {
  const p = config.providers.workos;
  if (!p.enabled) return null;
  const defaults: Record<(typeof SELECTORS)[number], string> = { organization: p.defaultOrganization, connection: p.defaultConnection, domain: p.defaultDomain };

  return {
    id: 'workos',
    protocol: 'oauth2',
    async authorizationUrl(start: AuthorizationStart): Promise<URL> {
      // The reference sends one empty scope (`scope=`); WorkOS ignores it.
      const params: Record<string, string> = { client_id: p.clientId, redirect_uri: start.redirectUri, response_type: 'code', scope: '', state: start.state };
      for (const name of SELECTORS) {
        const value = start.specificParams[name] || defaults[name];
        if (value !== '') params[name] = value;
      }
      return buildAuthorizationUrl(p.authorizationUrl, params);
    },

    async exchangeCode(callback: CallbackParams, flow: FlowSecrets): Promise<ProviderTokens> {
      const answer = await postToken(
        p.tokenUrl,
        new URLSearchParams({ grant_type: 'authorization_code', code: callback.code ?? '', redirect_uri: flow.redirectUri, client_id: p.clientId, client_secret: p.clientSecret }),
      );
      const accessToken = answer['access_token'];
      if (typeof accessToken !== 'string' || accessToken === '') throw new ProviderExchangeError('workos: the token response has no access_token');
      const profile = answer['profile'];
      return {
        accessToken,
        refreshToken: null,
        expiresInSeconds: null,
        idToken: null,
        idTokenClaims: null,
        ...(profile !== null && typeof profile === 'object' && !Array.isArray(profile) ? { profileDocument: profile as Record<string, unknown> } : {}),
      };
    },

    async fetchProfile(tokens: ProviderTokens): Promise<ProviderProfile> {
      if (!tokens.profileDocument) throw new ProviderProfileError('workos: the token response has no profile');
      const profile = workosProfileOf(tokens.profileDocument);
      if (profile.id === '') throw new ProviderProfileError('workos: the profile has no id');
      return profile;
    },
  };
}
