import { describe, expect, it } from 'vitest';
import { startTestApp } from '../../support/app.js';
import { githubAccount, startFakeGithub } from '../../support/fake-providers.js';
import { signInWithProvider } from '../../support/oauth-dance.js';
import { describeProviderSignIn } from './provider-sign-in-suite.js';

describeProviderSignIn({
  provider: 'github',
  startFake: startFakeGithub,
  account: (n, email, claim) => githubAccount(n, [{ email, primary: true, ...(claim === undefined ? {} : { verified: claim }) } as { email: string; verified: unknown; primary: boolean }]),
  profileRoute: '/user',
});

describe('github profile without an id', () => {
  it('aborts the sign-in with oauth-profile-fetch-failed', async () => {
    const setup = await startFakeGithub();
    const t = await startTestApp({ env: setup.env });
    try {
      setup.fake.account = githubAccount(1, [{ email: 'no-id@example.com', verified: true, primary: true }], { sub: '' });
      const { final } = await signInWithProvider(t, 'github', {});
      expect(final.searchParams.get('error')).toBe('oauth-profile-fetch-failed');
      const users = await t.db.query('SELECT 1 FROM auth.users WHERE email = $1', ['no-id@example.com']);
      expect(users.rows).toHaveLength(0);
    } finally {
      await t.close();
      await setup.fake.close();
    }
  });
});
