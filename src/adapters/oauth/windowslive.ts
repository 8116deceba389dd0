/**
 * Windows Live (PROVIDERS.md §6.15): Live Connect `GET /v5.0/me`, a retired Microsoft API kept
 * for compatibility. The address is `emails.preferred`, else `emails.account`; EV = non-empty; the
 * name is `name + " " + last_name` as the reference joins it (repeating a surname already in `name`).
 */
import { endpointSettings } from './endpoint-settings.js';
import type { OAuth2Spec } from './oauth2.js';
import { getProfileJson, idField, objectOf, stringField, unclaimedEmailProfile } from './profile-http.js';
import type { ProviderProfile } from './provider.js';

/** `emails.preferred`, else `emails.account`. */
function emailOf(me: Record<string, unknown>): string {
  const emails = me['emails'];
  if (emails === null || typeof emails !== 'object') return '';
  const list = emails as Record<string, unknown>;
  return stringField(list, 'preferred') || stringField(list, 'account');
}

/** `GET /v5.0/me` → profile. */
export function windowsliveProfileOf(me: Record<string, unknown>): ProviderProfile {
  return unclaimedEmailProfile({
    id: idField(me, 'id'),
    email: emailOf(me),
    displayName: `${stringField(me, 'name')} ${stringField(me, 'last_name')}`,
    avatarUrl: stringField(me, 'profile_image_url'),
    raw: me,
  });
}

export const windowslive: OAuth2Spec = {
  id: 'windowslive',
  settings: ({ providers: { windowslive: p } }) => endpointSettings(p),
  // Live Connect documents client_id/client_secret in the token request body.
  clientAuth: 'post',
  usesPkce: false,
  isOpenIdConnect: false,
  async fetchProfile({ tokens, settings }): Promise<ProviderProfile> {
    return windowsliveProfileOf(objectOf(await getProfileJson(settings.userProfileUrl, tokens.accessToken), 'windowslive: me'));
  },
};
