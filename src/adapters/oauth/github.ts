/**
 * GitHub (PROVIDERS.md §6.2). Quirks: the profile is two calls, and the address is the PRIMARY
 * VERIFIED entry of `<profile URL>/emails` (the reference took the first entry and always called
 * api.github.com, which broke GitHub Enterprise and local doubles: spec README decisions).
 */
import type { OAuth2Spec } from './oauth2.js';
import { getProfileJson, idField, objectOf, stringField } from './profile-http.js';
import { ProviderProfileError, type ProviderProfile } from './provider.js';

interface EmailEntry {
  email: string;
  verified: unknown;
  primary: boolean;
}

function emailEntriesOf(value: unknown): EmailEntry[] {
  if (!Array.isArray(value)) throw new ProviderProfileError('github: /emails is not a list');
  return value.map((item) => {
    const entry = objectOf(item, 'github: /emails entry');
    return { email: stringField(entry, 'email'), verified: entry['verified'], primary: entry['primary'] === true };
  });
}

/** The primary verified address; else the primary one; else the first listed (unverified ones create unverified users). */
export function chooseGithubEmail(entries: readonly EmailEntry[]): EmailEntry {
  const chosen = entries.find((e) => e.primary && e.verified === true) ?? entries.find((e) => e.primary) ?? entries[0];
  if (!chosen) throw new ProviderProfileError('github: the account lists no e-mail address');
  return chosen;
}

export const github: OAuth2Spec = {
  id: 'github',
  settings: ({ providers: { github: p } }) =>
    p.enabled
      ? { clientId: p.clientId, clientSecret: p.clientSecret, scopes: p.scopes, authorizationUrl: p.authorizationUrl, tokenUrl: p.tokenUrl, userProfileUrl: p.userProfileUrl }
      : null,
  // GitHub documents client_id/client_secret in the body of the token request.
  clientAuth: 'post',
  usesPkce: true,
  isOpenIdConnect: false,
  async fetchProfile({ tokens, settings }): Promise<ProviderProfile> {
    const user = objectOf(await getProfileJson(settings.userProfileUrl, tokens.accessToken), 'github: user');
    const emails = emailEntriesOf(await getProfileJson(`${settings.userProfileUrl.replace(/\/+$/, '')}/emails`, tokens.accessToken));
    const chosen = chooseGithubEmail(emails);
    return {
      id: idField(user, 'id'),
      email: chosen.email,
      emailVerified: chosen.verified === true,
      emailVerifiedClaim: chosen.verified,
      displayName: stringField(user, 'name'),
      avatarUrl: stringField(user, 'avatar_url'),
      locale: '',
      raw: { user, emails },
    };
  },
};
