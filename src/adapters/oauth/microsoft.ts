/**
 * Azure AD (v1 endpoints, deprecated) and Microsoft Entra ID (v2 endpoints), PROVIDERS.md §6.11
 * and §6.12. Both are plain OAuth 2 here, as in the reference: the identity is read from the
 * userinfo endpoint with our access token. Their ID tokens are not validated because their issuer
 * names the signing-in user's tenant (`common` accepts any), which cannot be pinned by a setting.
 * The tenant is part of every endpoint URL (`{tenant}` in the URL settings).
 */
import type { MicrosoftProviderConfig } from '../../config/types.js';
import type { OAuth2Settings, OAuth2Spec } from './oauth2.js';
import { getProfileJson, objectOf, stringField, unclaimedEmailProfile } from './profile-http.js';
import type { ProviderProfile } from './provider.js';

const settingsOf = (p: MicrosoftProviderConfig): OAuth2Settings | null =>
  p.enabled
    ? { clientId: p.clientId, clientSecret: p.clientSecret, scopes: p.scopes, authorizationUrl: p.authorizationUrl, tokenUrl: p.tokenUrl, userProfileUrl: p.userProfileUrl }
    : null;

/** `first last` without the reference's lone space when both are missing. */
export function joinedName(first: string, last: string): string {
  return [first, last].filter((s) => s !== '').join(' ');
}

/** Azure AD v1 userinfo → profile: `oid`; email, else `preferred_username`, else `upn`; EV = non-empty. */
export function azureadProfileOf(userinfo: Record<string, unknown>): ProviderProfile {
  // Microsoft makes no claim that the address was verified (an admin may type any upn).
  return unclaimedEmailProfile({
    id: stringField(userinfo, 'oid'),
    email: stringField(userinfo, 'email') || stringField(userinfo, 'preferred_username') || stringField(userinfo, 'upn'),
    displayName: stringField(userinfo, 'name'),
    avatarUrl: '',
    raw: userinfo,
  });
}

/**
 * Entra ID (graph.microsoft.com/oidc/userinfo) → profile: `sub`, `email` (EV = non-empty) and the
 * name from `given_name`/`family_name`. The reference read `givenname`/`familyname`, keys the
 * service never sends, so every name was `" "` (compat B32); those keys are still read first.
 */
export function entraidProfileOf(userinfo: Record<string, unknown>): ProviderProfile {
  const first = stringField(userinfo, 'givenname') || stringField(userinfo, 'given_name');
  const last = stringField(userinfo, 'familyname') || stringField(userinfo, 'family_name');
  return unclaimedEmailProfile({
    id: stringField(userinfo, 'sub'),
    email: stringField(userinfo, 'email'),
    displayName: joinedName(first, last) || stringField(userinfo, 'name'),
    avatarUrl: '',
    raw: userinfo,
  });
}

export const azuread: OAuth2Spec = {
  id: 'azuread',
  settings: ({ providers }) => settingsOf(providers.azuread),
  // The Microsoft identity platform documents client_secret in the token request body.
  clientAuth: 'post',
  usesPkce: false,
  isOpenIdConnect: false,
  async fetchProfile({ tokens, settings }): Promise<ProviderProfile> {
    return azureadProfileOf(objectOf(await getProfileJson(settings.userProfileUrl, tokens.accessToken), 'azuread: userinfo'));
  },
};

export const entraid: OAuth2Spec = {
  id: 'entraid',
  settings: ({ providers }) => settingsOf(providers.entraid),
  clientAuth: 'post',
  // The v2.0 endpoints support PKCE for confidential clients too.
  usesPkce: true,
  isOpenIdConnect: false,
  async fetchProfile({ tokens, settings }): Promise<ProviderProfile> {
    return entraidProfileOf(objectOf(await getProfileJson(settings.userProfileUrl, tokens.accessToken), 'entraid: userinfo'));
  },
};
