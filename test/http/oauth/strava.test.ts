import { socialAccount, startFakeStrava } from '../../support/fake-providers.js';
import { describeProviderSignIn } from './provider-sign-in-suite.js';

describeProviderSignIn({
  provider: 'strava',
  startFake: startFakeStrava,
  account: (n, email, claim) => socialAccount(String(n), email, claim),
  profileRoute: '/api/v3/athlete',
  usesPkce: false,
  isEmailTrusted: false,
  hasEmail: false,
});
