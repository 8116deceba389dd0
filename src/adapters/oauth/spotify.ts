/** Spotify (PROVIDERS.md §6.6): `GET /v1/me`; EV = non-empty (Spotify does not say whether an address is confirmed). */
import { endpointSettings } from './endpoint-settings.js';
import type { OAuth2Spec } from './oauth2.js';
import { getProfileJson, idField, objectOf, stringField, unclaimedEmailProfile } from './profile-http.js';
import type { ProviderProfile } from './provider.js';

/** The first image's URL, if any. */
function firstImageUrl(images: unknown): string {
  if (!Array.isArray(images) || images.length === 0) return '';
  const first: unknown = images[0];
  return first !== null && typeof first === 'object' ? stringField(first as Record<string, unknown>, 'url') : '';
}

/** `GET /v1/me` → profile. */
export function spotifyProfileOf(me: Record<string, unknown>): ProviderProfile {
  return unclaimedEmailProfile({
    id: idField(me, 'id'),
    email: stringField(me, 'email'),
    displayName: stringField(me, 'display_name'),
    avatarUrl: firstImageUrl(me['images']),
    raw: me,
  });
}

export const spotify: OAuth2Spec = {
  id: 'spotify',
  settings: ({ providers: { spotify: p } }) => endpointSettings(p),
  // Spotify's authorization-code flow documents `Authorization: Basic`, and supports PKCE.
  clientAuth: 'basic',
  usesPkce: true,
  isOpenIdConnect: false,
  async fetchProfile({ tokens, settings }): Promise<ProviderProfile> {
    return spotifyProfileOf(objectOf(await getProfileJson(settings.userProfileUrl, tokens.accessToken), 'spotify: me'));
  },
};
