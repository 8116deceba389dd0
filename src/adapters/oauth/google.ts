/**
 * Google (PROVIDERS.md §6.3), spoken as OpenID Connect: a nonce goes to the authorization page,
 * the ID token of the token response is validated (signature from the JWKS, issuer, audience,
 * nonce, expiry), and the profile is read from the userinfo endpoint, whose subject must match.
 * Userinfo answers in Google's v2 shape (`id`, `verified_email`) or the OpenID one (`sub`,
 * `email_verified`); both are read.
 */
import type { OAuth2Spec } from './oauth2.js';
import { getProfileJson, idField, objectOf, stringField } from './profile-http.js';
import { ProviderProfileError, type ProviderProfile } from './provider.js';

/** Google's userinfo (either shape) → profile; `subject` is the validated ID token's `sub`, if any. */
export function googleProfileOf(userinfo: Record<string, unknown>, subject: string | null): ProviderProfile {
  const id = idField(userinfo, 'id') || idField(userinfo, 'sub');
  if (subject !== null && id !== subject) throw new ProviderProfileError('google: userinfo subject differs from the ID token');
  const claim = 'verified_email' in userinfo ? userinfo['verified_email'] : userinfo['email_verified'];
  return {
    id,
    email: stringField(userinfo, 'email'),
    emailVerified: claim === true,
    emailVerifiedClaim: claim,
    displayName: stringField(userinfo, 'name'),
    avatarUrl: stringField(userinfo, 'picture'),
    locale: stringField(userinfo, 'locale'),
    raw: userinfo,
  };
}

export const google: OAuth2Spec = {
  id: 'google',
  settings: ({ providers: { google: p } }) =>
    p.enabled
      ? {
          clientId: p.clientId,
          clientSecret: p.clientSecret,
          scopes: p.scopes,
          authorizationUrl: p.authorizationUrl,
          tokenUrl: p.tokenUrl,
          userProfileUrl: p.userProfileUrl,
          issuer: p.issuer,
          jwksUrl: p.jwksUrl,
        }
      : null,
  clientAuth: 'basic',
  usesPkce: true,
  isOpenIdConnect: true,
  async fetchProfile({ tokens, settings }): Promise<ProviderProfile> {
    const userinfo = objectOf(await getProfileJson(settings.userProfileUrl, tokens.accessToken), 'google: userinfo');
    const sub = tokens.idTokenClaims?.['sub'];
    return googleProfileOf(userinfo, typeof sub === 'string' ? sub : null);
  },
};
