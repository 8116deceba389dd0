/**
 * Presets of the fake provider (fake-oauth-provider.ts) with each provider's real endpoint paths
 * and JSON shapes, plus the AUTH_PROVIDER_* settings that point the app at it. Add one function
 * per provider.
 */
import { generateKeyPairSync } from 'node:crypto';
import { decodeProtectedHeader, jwtVerify } from 'jose';
import { startFakeOAuthProvider, type FakeAccount, type FakeOAuthProvider } from './fake-oauth-provider.js';

export interface FakeProviderSetup {
  fake: FakeOAuthProvider;
  /** Settings enabling the provider against the fake. */
  env: Record<string, string>;
}

/** A GitHub person: `sub` is the numeric id; `emails` is the `/user/emails` list. */
export function githubAccount(id: number, emails: Array<{ email: string; verified: unknown; primary: boolean }>, extra: Record<string, unknown> = {}): FakeAccount {
  return { sub: String(id), login: `user${id}`, name: `GitHub User ${id}`, avatar_url: `https://avatars.example/u/${id}`, emails, ...extra };
}

export async function startFakeGithub(): Promise<FakeProviderSetup> {
  const fake = await startFakeOAuthProvider({
    clientAuth: 'post',
    profileRoutes: {
      '/user': (a) => ({ id: /^\d+$/.test(a.sub) ? Number(a.sub) : a.sub, login: a['login'], name: a['name'] ?? null, avatar_url: a['avatar_url'], email: null }),
      '/user/emails': (a) => (a['emails'] as unknown[]).map((e) => ({ visibility: null, ...(e as object) })),
    },
  });
  fake.account = githubAccount(1001, [{ email: 'octo@example.com', verified: true, primary: true }]);
  return {
    fake,
    env: {
      AUTH_PROVIDER_GITHUB_ENABLED: 'true',
      AUTH_PROVIDER_GITHUB_CLIENT_ID: fake.clientId,
      AUTH_PROVIDER_GITHUB_CLIENT_SECRET: fake.clientSecret,
      AUTH_PROVIDER_GITHUB_AUTHORIZATION_URL: `${fake.url}/authorize`,
      AUTH_PROVIDER_GITHUB_TOKEN_URL: `${fake.url}/token`,
      AUTH_PROVIDER_GITHUB_USER_PROFILE_URL: `${fake.url}/user`,
    },
  };
}

/** A Google person; `verified_email` is sent as given (so fixtures can send `"true"` or leave it out). */
export function googleAccount(sub: string, email: string, verified: unknown, extra: Record<string, unknown> = {}): FakeAccount {
  const account: FakeAccount = { sub, email, name: `Google User ${sub}`, picture: `https://lh3.example/${sub}.png`, locale: 'en', ...extra };
  if (verified !== undefined) account['verified_email'] = verified;
  return account;
}

export async function startFakeGoogle(): Promise<FakeProviderSetup> {
  const fake = await startFakeOAuthProvider({
    clientAuth: 'basic',
    profileRoutes: {
      // Google's v2 userinfo shape.
      '/oauth2/v2/userinfo': (a) => {
        const { sub, ...rest } = a;
        return { id: sub, ...rest };
      },
    },
    oidc: { idTokenClaims: (a) => ({ email: a['email'], email_verified: a['verified_email'] }) },
  });
  fake.account = googleAccount('g-1001', 'gmail-user@example.com', true);
  return {
    fake,
    env: {
      AUTH_PROVIDER_GOOGLE_ENABLED: 'true',
      AUTH_PROVIDER_GOOGLE_CLIENT_ID: fake.clientId,
      AUTH_PROVIDER_GOOGLE_CLIENT_SECRET: fake.clientSecret,
      AUTH_PROVIDER_GOOGLE_AUTHORIZATION_URL: `${fake.url}/authorize`,
      AUTH_PROVIDER_GOOGLE_TOKEN_URL: `${fake.url}/token`,
      AUTH_PROVIDER_GOOGLE_USER_PROFILE_URL: `${fake.url}/oauth2/v2/userinfo`,
      AUTH_PROVIDER_GOOGLE_ISSUER: fake.url,
      AUTH_PROVIDER_GOOGLE_JWKS_URL: `${fake.url}/jwks`,
    },
  };
}

/** An Apple person; `email_verified` is put in the ID token as given (boolean, string, or absent). */
export function appleAccount(sub: string, email: string | undefined, verified: unknown, name?: { firstName?: string; lastName?: string }): FakeAccount {
  const account: FakeAccount = { sub };
  if (email !== undefined) account['email'] = email;
  if (verified !== undefined) account['email_verified'] = verified;
  if (name) account['name'] = name;
  return account;
}

export const APPLE_TEAM_ID = 'TEAMID1234';
export const APPLE_KEY_ID = 'KEYID12345';

/**
 * Sign in with Apple: `/auth/authorize` answers a form that POSTs `code`, `state` (and `user`
 * with the name, while `account.name` is set) to our callback; `/auth/token` takes the client
 * secret in the body and accepts only our ES256 JWT signed by the configured key; `/auth/keys`
 * is the JWKS of the RS256 ID tokens.
 */
export async function startFakeApple(): Promise<FakeProviderSetup> {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  let issuer = '';
  const fake = await startFakeOAuthProvider({
    clientId: 'com.example.signin',
    clientAuth: 'post',
    paths: { authorize: '/auth/authorize', token: '/auth/token', jwks: '/auth/keys' },
    profileRoutes: {},
    verifyClientSecret: async (secret) => {
      try {
        if (decodeProtectedHeader(secret).kid !== APPLE_KEY_ID) return false;
        await jwtVerify(secret, publicKey, { algorithms: ['ES256'], issuer: APPLE_TEAM_ID, subject: 'com.example.signin', audience: issuer, requiredClaims: ['iat', 'exp'] });
        return true;
      } catch {
        return false;
      }
    },
    oidc: { idTokenClaims: (a) => ({ email: a['email'], email_verified: a['email_verified'], is_private_email: false }) },
    formPostFields: (a): Record<string, string> => (a['name'] ? { user: JSON.stringify({ name: a['name'], email: a['email'] }) } : {}),
  });
  issuer = fake.url;
  fake.account = appleAccount('000123.apple.1', 'apple-user@privaterelay.appleid.com', 'true', { firstName: 'Ada', lastName: 'Lovelace' });
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  return {
    fake,
    env: {
      AUTH_PROVIDER_APPLE_ENABLED: 'true',
      AUTH_PROVIDER_APPLE_CLIENT_ID: fake.clientId,
      AUTH_PROVIDER_APPLE_TEAM_ID: APPLE_TEAM_ID,
      AUTH_PROVIDER_APPLE_KEY_ID: APPLE_KEY_ID,
      // As it is usually put in an environment file: one line, newlines written as \n.
      AUTH_PROVIDER_APPLE_PRIVATE_KEY: pem.replaceAll('\n', '\\n'),
      AUTH_PROVIDER_APPLE_AUTHORIZATION_URL: `${fake.url}/auth/authorize`,
      AUTH_PROVIDER_APPLE_TOKEN_URL: `${fake.url}/auth/token`,
      AUTH_PROVIDER_APPLE_ISSUER: fake.url,
      AUTH_PROVIDER_APPLE_JWKS_URL: `${fake.url}/auth/keys`,
    },
  };
}

/** A Microsoft person: `sub` is the object id (`oid`); fields as userinfo sends them. */
export function microsoftAccount(oid: string, fields: Record<string, unknown>): FakeAccount {
  return { sub: oid, ...fields };
}

/**
 * Azure AD (v1): `/<tenant>/oauth2/authorize`, `/<tenant>/oauth2/token` (client secret in the
 * body; the answer carries an ID token from the user's tenant, as Microsoft's does) and
 * `/<tenant>/openid/userinfo`.
 */
export async function startFakeAzuread(tenant = 'common'): Promise<FakeProviderSetup> {
  const fake = await startFakeOAuthProvider({
    clientAuth: 'post',
    paths: { authorize: `/${tenant}/oauth2/authorize`, token: `/${tenant}/oauth2/token` },
    profileRoutes: {
      [`/${tenant}/openid/userinfo`]: (a) => {
        const { sub, ...rest } = a;
        return { sub: `pairwise-${sub}`, oid: sub, ...rest };
      },
    },
    oidc: { idTokenClaims: (a) => ({ iss: 'https://sts.windows.net/72f988bf-0000-0000-0000-2d7cd011db47/', oid: a.sub, tid: '72f988bf-0000-0000-0000-2d7cd011db47' }) },
  });
  fake.account = microsoftAccount('a1b2c3d4-0000-0000-0000-000000000001', { upn: 'ada@contoso.example', name: 'Ada Lovelace' });
  return {
    fake,
    env: {
      AUTH_PROVIDER_AZUREAD_ENABLED: 'true',
      AUTH_PROVIDER_AZUREAD_CLIENT_ID: fake.clientId,
      AUTH_PROVIDER_AZUREAD_CLIENT_SECRET: fake.clientSecret,
      AUTH_PROVIDER_AZUREAD_TENANT: tenant,
      AUTH_PROVIDER_AZUREAD_AUTHORIZATION_URL: `${fake.url}/{tenant}/oauth2/authorize?prompt=select_account`,
      AUTH_PROVIDER_AZUREAD_TOKEN_URL: `${fake.url}/{tenant}/oauth2/token`,
      AUTH_PROVIDER_AZUREAD_USER_PROFILE_URL: `${fake.url}/{tenant}/openid/userinfo`,
    },
  };
}

/**
 * Entra ID (v2.0): `/<tenant>/oauth2/v2.0/authorize` and `/token` (client secret in the body,
 * PKCE) and Graph's `/oidc/userinfo` (`sub`, `given_name`, `family_name`, `email`).
 */
export async function startFakeEntraid(tenant = 'common'): Promise<FakeProviderSetup> {
  const fake = await startFakeOAuthProvider({
    clientAuth: 'post',
    paths: { authorize: `/${tenant}/oauth2/v2.0/authorize`, token: `/${tenant}/oauth2/v2.0/token` },
    profileRoutes: { '/oidc/userinfo': (a) => ({ ...a, picture: 'https://graph.microsoft.com/v1.0/me/photo/$value' }) },
    oidc: { idTokenClaims: () => ({ iss: 'https://login.microsoftonline.com/9188040d-0000-0000-0000-e7e1d9b1e7a3/v2.0', tid: '9188040d-0000-0000-0000-e7e1d9b1e7a3' }) },
  });
  fake.account = microsoftAccount('AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ', { email: 'grace@contoso.example', given_name: 'Grace', family_name: 'Hopper', name: 'Grace Hopper' });
  return {
    fake,
    env: {
      AUTH_PROVIDER_ENTRAID_ENABLED: 'true',
      AUTH_PROVIDER_ENTRAID_CLIENT_ID: fake.clientId,
      AUTH_PROVIDER_ENTRAID_CLIENT_SECRET: fake.clientSecret,
      AUTH_PROVIDER_ENTRAID_TENANT: tenant,
      AUTH_PROVIDER_ENTRAID_AUTHORIZATION_URL: `${fake.url}/{tenant}/oauth2/v2.0/authorize`,
      AUTH_PROVIDER_ENTRAID_TOKEN_URL: `${fake.url}/{tenant}/oauth2/v2.0/token`,
      AUTH_PROVIDER_ENTRAID_USER_PROFILE_URL: `${fake.url}/oidc/userinfo`,
    },
  };
}

/** A WorkOS SSO profile: `sub` is the profile id (`prof_…`). */
export function workosAccount(id: string, email: string, extra: Record<string, unknown> = {}): FakeAccount {
  return { sub: id, email, first_name: 'Katherine', last_name: 'Johnson', organization_id: 'org_01EHZNVPK3SFK441A1RGBFSHRT', connection_id: 'conn_01E4ZCR3C56J083X43JQXF3JK5', ...extra };
}

/**
 * WorkOS SSO: `/sso/authorize`; `/sso/token` takes client_id and client_secret in the body and
 * answers `{access_token, profile}` (no token_type), as WorkOS does.
 */
export async function startFakeWorkos(): Promise<FakeProviderSetup> {
  const fake = await startFakeOAuthProvider({
    clientId: 'client_01EHZNVPK2QXHMVWCEDQEKY69A',
    clientAuth: 'post',
    paths: { authorize: '/sso/authorize', token: '/sso/token' },
    profileRoutes: {},
    tokenResponse: (answer, a) => {
      const { sub, ...rest } = a;
      return {
        access_token: answer['access_token'],
        profile: { object: 'profile', id: sub, connection_type: 'OktaSAML', idp_id: '00u1a0ufowBJlzPlk357', raw_attributes: {}, ...rest },
      };
    },
  });
  fake.account = workosAccount('prof_01DMC79VCBZ0NY2099737PSVF1', 'katherine@corp.example');
  return {
    fake,
    env: {
      AUTH_PROVIDER_WORKOS_ENABLED: 'true',
      AUTH_PROVIDER_WORKOS_CLIENT_ID: fake.clientId,
      AUTH_PROVIDER_WORKOS_CLIENT_SECRET: fake.clientSecret,
      AUTH_PROVIDER_WORKOS_DEFAULT_ORGANIZATION: 'org_01EHZNVPK3SFK441A1RGBFSHRT',
      AUTH_PROVIDER_WORKOS_AUTHORIZATION_URL: `${fake.url}/sso/authorize`,
      AUTH_PROVIDER_WORKOS_TOKEN_URL: `${fake.url}/sso/token`,
    },
  };
}

export { startFakeTwitter, twitterAccount, twitterEnv, type FakeTwitter } from './fake-twitter.js';
