/**
 * Presets of the fake provider (fake-oauth-provider.ts) with each provider's real endpoint paths
 * and JSON shapes, plus the AUTH_PROVIDER_* settings that point the app at it. Add one function
 * per provider.
 */
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
