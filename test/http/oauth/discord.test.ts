import { socialAccount, startFakeDiscord } from '../../support/fake-providers.js';
import { describeProviderSignIn } from './provider-sign-in-suite.js';

describeProviderSignIn({
  provider: 'discord',
  startFake: startFakeDiscord,
  account: (n, email, claim) => socialAccount(String(n), email, claim),
  profileRoute: '/api/users/@me',
  isAddressAlwaysVerified: true,
});
