/**
 * GitLab (PROVIDERS.md §6.8): `GET /api/v4/user`; EV = non-empty. All three endpoints are
 * settings, so a self-hosted GitLab works (the reference only knew gitlab.com).
 */
import { endpointSettings } from './endpoint-settings.js';
import type { OAuth2Spec } from './oauth2.js';
import { getProfileJson, idField, objectOf, stringField, unclaimedEmailProfile } from './profile-http.js';
import type { ProviderProfile } from './provider.js';

/** `GET /api/v4/user` → profile (the numeric id printed in decimal). */
export function gitlabProfileOf(user: Record<string, unknown>): ProviderProfile {
  return unclaimedEmailProfile({
    id: idField(user, 'id'),
    email: stringField(user, 'email'),
    displayName: stringField(user, 'name'),
    avatarUrl: stringField(user, 'avatar_url'),
    raw: user,
  });
}

export const gitlab: OAuth2Spec = {
  id: 'gitlab',
  settings: ({ providers: { gitlab: p } }) => endpointSettings(p),
  // GitLab (Doorkeeper) accepts HTTP Basic client authentication, and PKCE.
  clientAuth: 'basic',
  usesPkce: true,
  isOpenIdConnect: false,
  async fetchProfile({ tokens, settings }): Promise<ProviderProfile> {
    return gitlabProfileOf(objectOf(await getProfileJson(settings.userProfileUrl, tokens.accessToken), 'gitlab: user'));
  },
};
