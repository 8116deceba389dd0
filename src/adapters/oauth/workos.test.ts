import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/load.js';
import { providerFor } from './registry.js';
import { workosProfileOf } from './workos.js';

const ENV = {
  POSTGRES_CONNECTION: 'postgres://u@127.0.0.1:1/db',
  HASURA_GRAPHQL_JWT_SECRET: JSON.stringify({ type: 'HS256', key: 'k'.repeat(40) }),
  AUTH_ENCRYPTION_KEY: '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff',
  AUTH_PROVIDER_WORKOS_ENABLED: 'true',
  AUTH_PROVIDER_WORKOS_CLIENT_ID: 'client_1',
};
const start = { redirectUri: 'https://auth.example/cb', state: 'S', codeVerifier: 'v'.repeat(43), nonce: 'N', specificParams: {} };

describe('WorkOS authorization URL', () => {
  it("sends the reference's empty scope and the configured organization, connection and domain", async () => {
    const config = loadConfig({ ...ENV, AUTH_PROVIDER_WORKOS_DEFAULT_ORGANIZATION: 'org_1', AUTH_PROVIDER_WORKOS_DEFAULT_DOMAIN: 'example.com' });
    const url = await providerFor(config, 'workos')!.authorizationUrl(start);
    expect(url.origin + url.pathname).toBe('https://api.workos.com/sso/authorize');
    expect(url.search).toBe('?client_id=client_1&domain=example.com&organization=org_1&redirect_uri=https%3A%2F%2Fauth.example%2Fcb&response_type=code&scope=&state=S');
  });

  it('lets providerSpecificParams choose the organization or connection of one sign-in', async () => {
    const config = loadConfig({ ...ENV, AUTH_PROVIDER_WORKOS_DEFAULT_ORGANIZATION: 'org_1' });
    const url = await providerFor(config, 'workos')!.authorizationUrl({ ...start, specificParams: { organization: 'org_2', connection: 'conn_9', other: 'x' } });
    expect(url.searchParams.get('organization')).toBe('org_2');
    expect(url.searchParams.get('connection')).toBe('conn_9');
    expect(url.searchParams.has('other')).toBe(false);
  });
});

describe('WorkOS profile mapping', () => {
  it('maps id, email (any address counted verified) and first + last name', () => {
    expect(workosProfileOf({ object: 'profile', id: 'prof_1', email: 'a@corp.example', first_name: 'Ada', last_name: 'L', raw_attributes: {} })).toMatchObject({ id: 'prof_1', email: 'a@corp.example', emailVerified: true, displayName: 'Ada L', avatarUrl: '' });
    expect(workosProfileOf({ id: 'prof_1' }).displayName).toBe('');
  });
});
