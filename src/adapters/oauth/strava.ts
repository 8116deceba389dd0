/**
 * Strava (PROVIDERS.md §6.13): `GET /api/v3/athlete`. Strava never shares an e-mail address, so
 * these users have none (and an immediate session); `approval_prompt=force` as in the reference.
 */
import { endpointSettings } from './endpoint-settings.js';
import type { OAuth2Spec } from './oauth2.js';
import { getProfileJson, idField, objectOf, stringField } from './profile-http.js';
import type { ProviderProfile } from './provider.js';

/** `GET /athlete` → profile without an address; name = first + " " + last (the reference's join). */
export function stravaProfileOf(athlete: Record<string, unknown>): ProviderProfile {
  return {
    id: idField(athlete, 'id'),
    email: '',
    emailVerified: false,
    emailVerifiedClaim: undefined,
    displayName: `${stringField(athlete, 'firstname')} ${stringField(athlete, 'lastname')}`,
    avatarUrl: stringField(athlete, 'profile_medium'),
    locale: '',
    raw: athlete,
  };
}

export const strava: OAuth2Spec = {
  id: 'strava',
  settings: ({ providers: { strava: p } }) => endpointSettings(p),
  // Strava documents client_id/client_secret in the token request body.
  clientAuth: 'post',
  usesPkce: false,
  isOpenIdConnect: false,
  extraAuthorizationParams: () => ({ approval_prompt: 'force' }),
  async fetchProfile({ tokens, settings }): Promise<ProviderProfile> {
    return stravaProfileOf(objectOf(await getProfileJson(settings.userProfileUrl, tokens.accessToken), 'strava: athlete'));
  },
};
