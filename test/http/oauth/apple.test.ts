import { describe, expect, it } from 'vitest';
import { startTestApp } from '../../support/app.js';
import { appleAccount, startFakeApple } from '../../support/fake-providers.js';
import { startSignIn } from '../../support/oauth-dance.js';
import { describeAppleMicrosoftWorkosSignIn, signIn } from './apple-microsoft-workos-sign-in-suite.js';

describeAppleMicrosoftWorkosSignIn({
  provider: 'apple',
  startFake: startFakeApple,
  account: (n, email, claim) => appleAccount(`000${n}.apple`, email, claim),
  // An ID token without the email claim is unusable (PROVIDERS.md §6.1).
  breakProfile: (setup, n) => void (setup.fake.account = appleAccount(`000${n}.apple`, undefined, true)),
  trustedClaims: [true, 'true'],
  isNewUserVerified: (claim) => claim === true || claim === 'true',
});

describe('Apple specifics', () => {
  it("names a new user from the first consent's user field, else by the address", async () => {
    const setup = await startFakeApple();
    const t = await startTestApp({ env: setup.env });
    try {
      setup.fake.account = appleAccount('000900.apple', 'named@example.com', true, { firstName: 'Ada', lastName: 'Lovelace' });
      const named = await t.request('POST', '/token', { body: { refreshToken: (await signIn(t, 'apple')).final.searchParams.get('refreshToken') } });
      expect(named.body.user).toMatchObject({ displayName: 'Ada Lovelace', email: 'named@example.com' });
      setup.fake.account = appleAccount('000901.apple', 'unnamed@example.com', 'true');
      const unnamed = await t.request('POST', '/token', { body: { refreshToken: (await signIn(t, 'apple')).final.searchParams.get('refreshToken') } });
      expect(unnamed.body.user.displayName).toBe('unnamed@example.com');
    } finally {
      await t.close();
      await setup.fake.close();
    }
  });

  it("binds the state with a cookie that survives Apple's cross-site POST on https", async () => {
    const setup = await startFakeApple();
    const t = await startTestApp({ env: { ...setup.env, AUTH_SERVER_URL: 'https://auth.example' } });
    try {
      const start = await startSignIn(t, 'apple', {});
      const cookie = start.response.headers.getSetCookie().join('\n');
      expect(cookie).toMatch(/SameSite=None/);
      expect(cookie).toMatch(/Secure/);
      expect(start.location.searchParams.get('response_mode')).toBe('form_post');
      expect(start.location.searchParams.get('redirect_uri')).toBe('https://auth.example/signin/provider/apple/callback');
    } finally {
      await t.close();
      await setup.fake.close();
    }
  });
});
