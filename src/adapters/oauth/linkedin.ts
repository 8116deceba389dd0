/**
 * LinkedIn (PROVIDERS.md §6.4): "Sign In with LinkedIn using OpenID Connect", profile from the
 * userinfo endpoint. With the `openid` scope the token response carries an ID token issued by
 * `https://www.linkedin.com/oauth` (not the authorization URL's origin), so the issuer is a
 * setting: oauth4webapi checks that token's claims (iss, aud, exp) even though we do not use it.
 * Like the reference we send no nonce and read the profile from userinfo, not from the ID token.
 */
import { endpointSettings } from './endpoint-settings.js';
import type { OAuth2Spec } from './oauth2.js';
import { getProfileJson, idField, objectOf, stringField } from './profile-http.js';
import type { ProviderProfile } from './provider.js';
import { bearerByDefault, mendingTokenFetch } from './token-response.js';

/** Userinfo → profile: name is given + family name, else the address; EV = non-empty (the reference's rule). */
export function linkedinProfileOf(userinfo: Record<string, unknown>): ProviderProfile {
  const email = stringField(userinfo, 'email');
  const name = [stringField(userinfo, 'given_name'), stringField(userinfo, 'family_name')].filter((part) => part !== '').join(' ');
  return {
    id: idField(userinfo, 'sub'),
    email,
    emailVerified: email !== '',
    emailVerifiedClaim: userinfo['email_verified'],
    displayName: name || email,
    avatarUrl: stringField(userinfo, 'picture'),
    locale: '',
    raw: userinfo,
  };
}

export const linkedin: OAuth2Spec = {
  id: 'linkedin',
  settings: ({ providers: { linkedin: p } }) => {
    const settings = endpointSettings(p);
    return settings && { ...settings, issuer: p.issuer };
  },
  // LinkedIn documents client_id/client_secret in the token request body.
  clientAuth: 'post',
  usesPkce: false,
  isOpenIdConnect: false,
  // Token responses without the `openid` scope (custom AUTH_PROVIDER_LINKEDIN_SCOPE) lack `token_type`.
  tokenFetch: mendingTokenFetch(bearerByDefault),
  async fetchProfile({ tokens, settings }): Promise<ProviderProfile> {
    return linkedinProfileOf(objectOf(await getProfileJson(settings.userProfileUrl, tokens.accessToken), 'linkedin: userinfo'));
  },
};
