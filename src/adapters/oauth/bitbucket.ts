/**
 * Bitbucket (PROVIDERS.md §6.9). Quirk: two calls, the user and its address list, read from the
 * configured profile URL + `/emails` (`2.0/user/emails` by default). The address is the first
 * confirmed entry, else the first one; EV = non-empty as in the reference, while the chosen
 * entry's `is_confirmed` is the trust claim.
 */
import { endpointSettings } from './endpoint-settings.js';
import type { OAuth2Spec } from './oauth2.js';
import { getProfileJson, idField, objectOf, stringField } from './profile-http.js';
import { ProviderProfileError, type ProviderProfile } from './provider.js';

interface BitbucketEmail {
  email: string;
  isConfirmed: unknown;
}

/** `values[]` of `/2.0/user/emails` → its first confirmed entry, else the first entry. */
export function chooseBitbucketEmail(page: Record<string, unknown>): BitbucketEmail {
  const values = page['values'];
  const entries = (Array.isArray(values) ? values : []).map((value) => {
    const entry = objectOf(value, 'bitbucket: /emails entry');
    return { email: stringField(entry, 'email'), isConfirmed: entry['is_confirmed'] };
  });
  const chosen = entries.find((e) => e.isConfirmed === true) ?? entries[0];
  if (!chosen) throw new ProviderProfileError('bitbucket: the account lists no e-mail address');
  return chosen;
}

/** The avatar at `links.avatar.href`, if any. */
function avatarOf(user: Record<string, unknown>): string {
  const links = user['links'];
  if (links === null || typeof links !== 'object') return '';
  const avatar = (links as Record<string, unknown>)['avatar'];
  return avatar !== null && typeof avatar === 'object' ? stringField(avatar as Record<string, unknown>, 'href') : '';
}

export const bitbucket: OAuth2Spec = {
  id: 'bitbucket',
  settings: ({ providers: { bitbucket: p } }) => endpointSettings(p),
  // Bitbucket's documentation authenticates the token request with HTTP Basic.
  clientAuth: 'basic',
  usesPkce: false,
  isOpenIdConnect: false,
  async fetchProfile({ tokens, settings }): Promise<ProviderProfile> {
    const user = objectOf(await getProfileJson(settings.userProfileUrl, tokens.accessToken), 'bitbucket: user');
    const emails = objectOf(await getProfileJson(`${settings.userProfileUrl.replace(/\/+$/, '')}/emails`, tokens.accessToken), 'bitbucket: emails');
    const chosen = chooseBitbucketEmail(emails);
    return {
      id: idField(user, 'uuid'),
      email: chosen.email,
      emailVerified: chosen.email !== '',
      emailVerifiedClaim: chosen.isConfirmed,
      displayName: stringField(user, 'display_name'),
      avatarUrl: avatarOf(user),
      locale: '',
      raw: { user, emails },
    };
  },
};
