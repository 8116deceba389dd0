/**
 * Presets of the fake provider (fake-oauth-provider.ts) with each provider's real endpoint paths
 * and JSON shapes, plus the AUTH_PROVIDER_* settings that point the app at it. Add one function
 * per provider.
 */
import { generateKeyPairSync } from 'node:crypto';
import { decodeProtectedHeader, jwtVerify } from 'jose';
import { FakeReply, startFakeOAuthProvider, type FakeAccount, type FakeOAuthProvider } from './fake-oauth-provider.js';

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

/** The env of a provider whose three endpoints are settings, pointed at `fake` (`token` as in AUTH_PROVIDER_<token>_*). */
function endpointEnv(token: string, fake: FakeOAuthProvider, profilePath: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    [`AUTH_PROVIDER_${token}_ENABLED`]: 'true',
    [`AUTH_PROVIDER_${token}_CLIENT_ID`]: fake.clientId,
    [`AUTH_PROVIDER_${token}_CLIENT_SECRET`]: fake.clientSecret,
    [`AUTH_PROVIDER_${token}_AUTHORIZATION_URL`]: `${fake.url}/authorize`,
    [`AUTH_PROVIDER_${token}_TOKEN_URL`]: `${fake.url}/token`,
    [`AUTH_PROVIDER_${token}_USER_PROFILE_URL`]: `${fake.url}${profilePath}`,
    ...extra,
  };
}

/** A numeric id as the JSON number the provider sends (GitLab, Strava). */
const numericId = (sub: string): number | string => (/^\d+$/.test(sub) ? Number(sub) : sub);

/** The subject id as the provider renders it, or absent when the account says `omitId` (a broken provider). */
const idOf = (a: FakeAccount, render: (sub: string) => unknown = (sub) => sub): unknown => (a['omitId'] === true ? undefined : render(a.sub));

/**
 * The persona every social preset below understands: `email` (absent = the provider gives none),
 * `verified` (the provider's own claim, sent as given, absent = left out), and `name`; each
 * preset's routes render it in the provider's JSON. Native fields can be added via `extra`.
 */
export function socialAccount(sub: string, email: string | undefined, verified?: unknown, extra: Record<string, unknown> = {}): FakeAccount {
  const account: FakeAccount = { sub, name: `User ${sub}`, ...extra };
  if (email !== undefined) account['email'] = email;
  if (verified !== undefined) account['verified'] = verified;
  return account;
}

/** Drops undefined fields, as a JSON encoder leaving out absent claims would. */
function present(doc: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(doc).filter(([, v]) => v !== undefined));
}

/** LinkedIn: OpenID userinfo at /v2/userinfo, an ID token from the token endpoint, body client auth. */
export async function startFakeLinkedin(): Promise<FakeProviderSetup> {
  const fake = await startFakeOAuthProvider({
    clientAuth: 'post',
    profileRoutes: {
      '/v2/userinfo': (a) =>
        present({
          sub: idOf(a),
          name: a['name'],
          given_name: a['given_name'] ?? (typeof a['name'] === 'string' ? a['name'].split(' ')[0] : undefined),
          family_name: a['family_name'] ?? (typeof a['name'] === 'string' ? a['name'].split(' ').slice(1).join(' ') : undefined),
          picture: a['picture'] ?? `https://media.licdn.example/${a.sub}.jpg`,
          locale: { country: 'US', language: 'en' },
          email: a['email'],
          email_verified: a['verified'],
        }),
    },
    oidc: { idTokenClaims: (a) => present({ email: a['email'], email_verified: a['verified'] }) },
    // LinkedIn lists granted scopes comma-separated.
    shapeTokenResponse: (answer) => ({ ...answer, token_type: 'Bearer', scope: 'email,openid,profile' }),
  });
  fake.account = socialAccount('li-AbC123', 'member@example.com', true);
  return { fake, env: endpointEnv('LINKEDIN', fake, '/v2/userinfo', { AUTH_PROVIDER_LINKEDIN_ISSUER: fake.url }) };
}

/** Discord: /api/users/@me with `username`, `discriminator`, `avatar`, `verified`; HTTP Basic. */
export async function startFakeDiscord(): Promise<FakeProviderSetup> {
  const fake = await startFakeOAuthProvider({
    clientAuth: 'basic',
    profileRoutes: {
      '/api/users/@me': (a) =>
        present({
          id: idOf(a),
          username: a['username'] ?? `user${a.sub}`,
          discriminator: a['discriminator'] ?? '0',
          global_name: a['name'] ?? null,
          avatar: 'avatar' in a ? a['avatar'] : 'a1b2c3',
          mfa_enabled: false,
          locale: 'en-US',
          email: a['email'] ?? null,
          verified: a['verified'],
        }),
    },
  });
  fake.account = socialAccount('80351110224678912', 'nelly@example.com', true);
  return { fake, env: endpointEnv('DISCORD', fake, '/api/users/@me') };
}

/** Spotify: /v1/me with `display_name` and `images`; HTTP Basic. */
export async function startFakeSpotify(): Promise<FakeProviderSetup> {
  const fake = await startFakeOAuthProvider({
    clientAuth: 'basic',
    profileRoutes: {
      '/v1/me': (a) =>
        present({
          id: idOf(a),
          display_name: a['name'] ?? null,
          email: a['email'],
          country: 'SE',
          product: 'premium',
          images: a['images'] ?? [{ url: `https://i.scdn.example/${a.sub}.jpg`, height: 300, width: 300 }],
        }),
    },
  });
  fake.account = socialAccount('wizzler', 'listener@example.com');
  return { fake, env: endpointEnv('SPOTIFY', fake, '/v1/me') };
}

/** Twitch: Helix /helix/users needs `Client-Id`; `{data:[…]}`; body client auth; `scope` as an array. */
export async function startFakeTwitch(): Promise<FakeProviderSetup> {
  let clientId = '';
  const fake = await startFakeOAuthProvider({
    clientAuth: 'post',
    profileRoutes: {
      '/helix/users': (a, { headers }) => {
        if (headers['client-id'] !== clientId) return new FakeReply(401, { error: 'Unauthorized', status: 401, message: 'Client ID and OAuth token do not match' });
        if (a['noUser'] === true) return { data: [] };
        const user = present({
          id: idOf(a),
          login: `login${a.sub}`,
          display_name: a['name'] ?? '',
          type: '',
          broadcaster_type: '',
          profile_image_url: `https://static-cdn.jtvnw.example/${a.sub}.png`,
          email: a['email'],
          created_at: '2016-12-14T20:32:28Z',
        });
        return { data: [user] };
      },
    },
    shapeTokenResponse: (answer) => ({ ...answer, scope: ['user:read:email'] }),
  });
  clientId = fake.clientId;
  fake.account = socialAccount('141981764', 'streamer@example.com');
  return { fake, env: endpointEnv('TWITCH', fake, '/helix/users') };
}

/** GitLab, self-hosted style: every URL under `/gitlab`; numeric `id`; HTTP Basic. */
export async function startFakeGitlab(): Promise<FakeProviderSetup> {
  const fake = await startFakeOAuthProvider({
    clientAuth: 'basic',
    profileRoutes: {
      '/gitlab/api/v4/user': (a) =>
        present({
          id: idOf(a, numericId),
          username: `user${a.sub}`,
          name: a['name'] ?? '',
          state: 'active',
          avatar_url: `https://gitlab.example/uploads/${a.sub}.png`,
          email: a['email'] ?? '',
          confirmed_at: a['verified'] === true ? '2024-01-01T00:00:00Z' : null,
        }),
    },
  });
  fake.account = socialAccount('4242', 'dev@example.com');
  return { fake, env: endpointEnv('GITLAB', fake, '/gitlab/api/v4/user') };
}

/** Bitbucket: /2.0/user (`uuid` with braces) and /2.0/user/emails (`values[]`, `is_confirmed`); HTTP Basic. */
export async function startFakeBitbucket(): Promise<FakeProviderSetup> {
  const fake = await startFakeOAuthProvider({
    clientAuth: 'basic',
    profileRoutes: {
      '/2.0/user': (a) => ({
        type: 'user',
        uuid: idOf(a),
        account_id: `acc-${a.sub}`,
        nickname: `nick${a.sub}`,
        display_name: a['name'] ?? '',
        links: { avatar: { href: `https://avatar-management.example/${a.sub}/128` } },
      }),
      '/2.0/user/emails': (a) => {
        const listed = (a['emails'] as unknown[] | undefined) ?? (a['email'] !== undefined ? [{ email: a['email'], is_confirmed: a['verified'], is_primary: true }] : []);
        const values = listed.map((e) => ({ type: 'email', links: {}, ...(e as object) }));
        return { pagelen: 10, size: values.length, page: 1, values };
      },
    },
  });
  fake.account = socialAccount('{2f1b3a4c-0000-4000-8000-000000000001}', 'coder@example.com', true);
  return { fake, env: endpointEnv('BITBUCKET', fake, '/2.0/user') };
}

/** Strava: /api/v3/athlete (numeric `id`, `firstname`, `lastname`, no e-mail); body client auth; the token response names the athlete. */
export async function startFakeStrava(): Promise<FakeProviderSetup> {
  const fake = await startFakeOAuthProvider({
    clientAuth: 'post',
    profileRoutes: {
      '/api/v3/athlete': (a) => ({
        id: idOf(a, numericId),
        username: `rider${a.sub}`,
        firstname: a['firstname'] ?? 'Marianne',
        lastname: a['lastname'] ?? 'Vos',
        profile_medium: `https://dgalywyr863hv.example/${a.sub}/medium.jpg`,
        profile: `https://dgalywyr863hv.example/${a.sub}/large.jpg`,
      }),
    },
    shapeTokenResponse: (answer) => ({ ...answer, token_type: 'Bearer', expires_at: Math.floor(Date.now() / 1000) + 21600, athlete: { id: 0 } }),
  });
  fake.account = socialAccount('134815', undefined);
  return { fake, env: endpointEnv('STRAVA', fake, '/api/v3/athlete') };
}

/** Facebook: Graph /me answering only the requested `fields` (`id,name` by default); body client auth. */
export async function startFakeFacebook(): Promise<FakeProviderSetup> {
  const fake = await startFakeOAuthProvider({
    clientAuth: 'post',
    profileRoutes: {
      '/me': (a, { query }) => {
        const all: Record<string, unknown> = {
          id: idOf(a),
          name: a['name'],
          email: a['email'],
          picture: { data: { height: 50, width: 50, is_silhouette: false, url: `https://platform-lookaside.fbsbx.example/${a.sub}` } },
        };
        const fields = (query.get('fields') ?? 'id,name').split(',');
        return present(Object.fromEntries(fields.map((f) => [f, all[f]])));
      },
    },
  });
  fake.account = socialAccount('10158675309', 'friend@example.com');
  return { fake, env: endpointEnv('FACEBOOK', fake, '/me') };
}

/** Windows Live: Live Connect /v5.0/me with `emails.preferred`/`account`; body client auth. */
export async function startFakeWindowslive(): Promise<FakeProviderSetup> {
  const fake = await startFakeOAuthProvider({
    clientAuth: 'post',
    profileRoutes: {
      '/v5.0/me': (a) => {
        const name = typeof a['name'] === 'string' ? a['name'] : '';
        return {
          id: idOf(a),
          name: a['first_name'] ?? name.split(' ')[0],
          first_name: a['first_name'] ?? name.split(' ')[0],
          last_name: a['last_name'] ?? name.split(' ').slice(1).join(' '),
          emails: { preferred: a['preferred'] ?? a['email'] ?? null, account: a['email'] ?? null, personal: null, business: null },
          profile_image_url: `https://apis.live.example/${a.sub}/picture`,
        };
      },
    },
  });
  fake.account = socialAccount('8c8ce076ca27823f', 'live@example.com');
  return { fake, env: endpointEnv('WINDOWS_LIVE', fake, '/v5.0/me') };
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
