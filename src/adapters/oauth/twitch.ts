/**
 * Twitch (PROVIDERS.md §6.7). Quirks: the Helix API wants the `Client-Id` header beside the bearer
 * token, answers `{"data":[user]}`, and the token endpoint returns `scope` as a JSON array
 * (mended to a string, or oauth4webapi would refuse the response). EV = non-empty.
 */
import { endpointSettings } from './endpoint-settings.js';
import type { OAuth2Spec } from './oauth2.js';
import { getProfileJson, idField, objectOf, stringField, unclaimedEmailProfile } from './profile-http.js';
import { ProviderProfileError, type ProviderProfile } from './provider.js';
import { mendingTokenFetch, scopeAsString } from './token-response.js';

/** `GET /helix/users` → profile of `data[0]`; an empty `data` is a failure. */
export function twitchProfileOf(body: Record<string, unknown>): ProviderProfile {
  const data = body['data'];
  if (!Array.isArray(data) || data.length === 0) throw new ProviderProfileError('twitch: /helix/users returned no user');
  const user = objectOf(data[0], 'twitch: user');
  return unclaimedEmailProfile({
    id: idField(user, 'id'),
    email: stringField(user, 'email'),
    displayName: stringField(user, 'display_name'),
    avatarUrl: stringField(user, 'profile_image_url'),
    raw: body,
  });
}

export const twitch: OAuth2Spec = {
  id: 'twitch',
  settings: ({ providers: { twitch: p } }) => endpointSettings(p),
  // Twitch documents client_id/client_secret in the token request body.
  clientAuth: 'post',
  usesPkce: false,
  isOpenIdConnect: false,
  tokenFetch: mendingTokenFetch(scopeAsString),
  async fetchProfile({ tokens, settings }): Promise<ProviderProfile> {
    const body = await getProfileJson(settings.userProfileUrl, tokens.accessToken, { 'client-id': settings.clientId });
    return twitchProfileOf(objectOf(body, 'twitch: users'));
  },
};
