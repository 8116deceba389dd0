import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/load.js';
import { azureadProfileOf, entraidProfileOf } from './microsoft.js';
import { providerFor } from './registry.js';

const ENV = {
  POSTGRES_CONNECTION: 'postgres://u@127.0.0.1:1/db',
  HASURA_GRAPHQL_JWT_SECRET: JSON.stringify({ type: 'HS256', key: 'k'.repeat(40) }),
  AUTH_ENCRYPTION_KEY: '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff',
};
const start = { redirectUri: 'https://auth.example/cb', state: 'S', codeVerifier: 'v'.repeat(43), nonce: 'N', specificParams: {} };

describe('Microsoft tenants', () => {
  it("puts Azure AD's tenant (default common) in the v1 URLs, keeping prompt=select_account first", async () => {
    const url = await providerFor(loadConfig({ ...ENV, AUTH_PROVIDER_AZUREAD_ENABLED: 'true', AUTH_PROVIDER_AZUREAD_CLIENT_ID: 'cid' }), 'azuread')!.authorizationUrl(start);
    expect(url.toString()).toMatch(/^https:\/\/login\.microsoftonline\.com\/common\/oauth2\/authorize\?prompt=select_account&client_id=cid&/);
    expect(url.searchParams.get('scope')).toBe('email profile openid offline_access');
  });

  it("puts Entra ID's configured tenant in the v2.0 URLs", async () => {
    const config = loadConfig({ ...ENV, AUTH_PROVIDER_ENTRAID_ENABLED: 'true', AUTH_PROVIDER_ENTRAID_CLIENT_ID: 'cid', AUTH_PROVIDER_ENTRAID_TENANT: 'contoso.onmicrosoft.com' });
    expect(config.providers.entraid.tokenUrl).toBe('https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token');
    expect(config.providers.entraid.userProfileUrl).toBe('https://graph.microsoft.com/oidc/userinfo');
    const url = await providerFor(config, 'entraid')!.authorizationUrl(start);
    expect(url.origin + url.pathname).toBe('https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/authorize');
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
  });
});

describe('Microsoft profile mapping', () => {
  it('Azure AD: oid, then email / preferred_username / upn, any address counted verified', () => {
    expect(azureadProfileOf({ oid: 'o1', upn: 'u@contoso.com', name: 'U' })).toMatchObject({ id: 'o1', email: 'u@contoso.com', emailVerified: true, displayName: 'U' });
    expect(azureadProfileOf({ oid: 'o1', email: 'e@contoso.com', preferred_username: 'p@contoso.com' }).email).toBe('e@contoso.com');
    expect(azureadProfileOf({ oid: 'o1' })).toMatchObject({ email: '', emailVerified: false });
  });

  it("Entra ID: sub, and the name from the service's given_name/family_name (the reference's keys first)", () => {
    expect(entraidProfileOf({ sub: 's', email: 'a@contoso.com', given_name: 'Ada', family_name: 'Lovelace' })).toMatchObject({ id: 's', emailVerified: true, displayName: 'Ada Lovelace' });
    expect(entraidProfileOf({ sub: 's', givenname: 'Old', familyname: 'Keys', given_name: 'X' }).displayName).toBe('Old Keys');
    expect(entraidProfileOf({ sub: 's' }).displayName).toBe('');
  });
});
