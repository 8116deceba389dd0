/**
 * Discord (PROVIDERS.md §6.5). The reference's mapping is kept as is: the name is always
 * `<username>#<discriminator>` (new-style accounts give `name#0`) and the avatar URL is built even
 * when `avatar` is null. EV = non-empty; Discord's own `verified` flag is the trust claim.
 */
import { endpointSettings } from './endpoint-settings.js';
import type { OAuth2Spec } from './oauth2.js';
import { getProfileJson, idField, objectOf, stringField } from './profile-http.js';
import type { ProviderProfile } from './provider.js';

/** `GET /users/@me` → profile. */
export function discordProfileOf(user: Record<string, unknown>): ProviderProfile {
  const id = idField(user, 'id');
  const email = stringField(user, 'email');
  return {
    id,
    email,
    emailVerified: email !== '',
    emailVerifiedClaim: user['verified'],
    displayName: `${stringField(user, 'username')}#${stringField(user, 'discriminator')}`,
    avatarUrl: `https://cdn.discordapp.com/avatars/${id}/${stringField(user, 'avatar')}.png`,
    locale: '',
    raw: user,
  };
}

export const discord: OAuth2Spec = {
  id: 'discord',
  settings: ({ providers: { discord: p } }) => endpointSettings(p),
  // Discord's documentation authenticates the token request with HTTP Basic; it supports PKCE.
  clientAuth: 'basic',
  usesPkce: true,
  isOpenIdConnect: false,
  async fetchProfile({ tokens, settings }): Promise<ProviderProfile> {
    return discordProfileOf(objectOf(await getProfileJson(settings.userProfileUrl, tokens.accessToken), 'discord: user'));
  },
};
