/**
 * Facebook (PROVIDERS.md §6.14): Graph `GET /me?fields=id,name,email,picture` with the token as a
 * bearer header (no `appsecret_proof`). Graph returns only `id` and `name` unless `fields` asks
 * for more, so the fields are added when a configured profile URL lacks them. EV = non-empty.
 */
import { endpointSettings } from './endpoint-settings.js';
import type { OAuth2Spec } from './oauth2.js';
import { getProfileJson, idField, objectOf, stringField, unclaimedEmailProfile } from './profile-http.js';
import type { ProviderProfile } from './provider.js';

const PROFILE_FIELDS = 'id,name,email,picture';

/** The profile URL with `fields=` (kept as configured when present). */
export function facebookProfileUrl(configured: string): string {
  const url = new URL(configured);
  if (!url.searchParams.has('fields')) url.searchParams.set('fields', PROFILE_FIELDS);
  return url.toString();
}

/** `picture.data.url`, if any. */
function pictureOf(me: Record<string, unknown>): string {
  const picture = me['picture'];
  if (picture === null || typeof picture !== 'object') return '';
  const data = (picture as Record<string, unknown>)['data'];
  return data !== null && typeof data === 'object' ? stringField(data as Record<string, unknown>, 'url') : '';
}

/** Graph `/me` → profile. */
export function facebookProfileOf(me: Record<string, unknown>): ProviderProfile {
  return unclaimedEmailProfile({
    id: idField(me, 'id'),
    email: stringField(me, 'email'),
    displayName: stringField(me, 'name'),
    avatarUrl: pictureOf(me),
    raw: me,
  });
}

export const facebook: OAuth2Spec = {
  id: 'facebook',
  settings: ({ providers: { facebook: p } }) => endpointSettings(p),
  // Facebook documents client_id/client_secret as parameters of the token request.
  clientAuth: 'post',
  usesPkce: false,
  isOpenIdConnect: false,
  async fetchProfile({ tokens, settings }): Promise<ProviderProfile> {
    return facebookProfileOf(objectOf(await getProfileJson(facebookProfileUrl(settings.userProfileUrl), tokens.accessToken), 'facebook: me'));
  },
};
