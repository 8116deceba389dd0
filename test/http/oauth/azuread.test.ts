import { describe, expect, it } from 'vitest';
import { capturingLogger, startTestApp } from '../../support/app.js';
import { microsoftAccount, startFakeAzuread } from '../../support/fake-providers.js';
import { describeAppleMicrosoftWorkosSignIn } from './apple-microsoft-workos-sign-in-suite.js';

describeAppleMicrosoftWorkosSignIn({
  provider: 'azuread',
  startFake: () => startFakeAzuread(),
  account: (n, email) => microsoftAccount(`oid-${n}`, { upn: email, name: `Ada ${n}` }),
  breakProfile: (setup) => setup.fake.failNext('/common/openid/userinfo', 503),
  trustedClaims: [],
  isNewUserVerified: () => true,
});

describe('Azure AD deprecation', () => {
  it('logs a warning recommending entraid at start-up', async () => {
    const setup = await startFakeAzuread();
    const { log, lines } = capturingLogger('warn');
    const t = await startTestApp({ env: setup.env, log });
    try {
      expect(lines.join('\n')).toMatch(/azuread.*deprecated.*entraid/);
    } finally {
      await t.close();
      await setup.fake.close();
    }
  });
});
