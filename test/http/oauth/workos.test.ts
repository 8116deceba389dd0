import { describe, expect, it } from 'vitest';
import { startTestApp } from '../../support/app.js';
import { startFakeWorkos, workosAccount } from '../../support/fake-providers.js';
import { signInWithProvider } from '../../support/oauth-dance.js';
import { describeAppleMicrosoftWorkosSignIn } from './apple-microsoft-workos-sign-in-suite.js';

describeAppleMicrosoftWorkosSignIn({
  provider: 'workos',
  startFake: startFakeWorkos,
  account: (n, email) => workosAccount(`prof_${n}`, email),
  // A profile without an id cannot be signed in.
  breakProfile: (setup, n) => void (setup.fake.account = workosAccount('', `no-id-${n}@example.com`)),
  trustedClaims: [],
  isNewUserVerified: () => true,
});

describe('WorkOS connection choice', () => {
  it('forwards organization and connection from the start request, else the configured default', async () => {
    const setup = await startFakeWorkos();
    const t = await startTestApp({ env: setup.env });
    try {
      await signInWithProvider(t, 'workos', { organization: 'org_chosen', connection: 'conn_chosen' });
      expect(Object.fromEntries(setup.fake.authorizations.at(-1)!)).toMatchObject({ organization: 'org_chosen', connection: 'conn_chosen', scope: '' });
      await signInWithProvider(t, 'workos', {});
      expect(setup.fake.authorizations.at(-1)?.get('organization')).toBe('org_01EHZNVPK3SFK441A1RGBFSHRT');
      expect(setup.fake.authorizations.at(-1)?.has('connection')).toBe(false);
    } finally {
      await t.close();
      await setup.fake.close();
    }
  });
});
