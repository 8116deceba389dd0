import { socialAccount, startFakeTwitch } from '../../support/fake-providers.js';
import { describeProviderSignIn } from './provider-sign-in-suite.js';

describeProviderSignIn({
  provider: 'twitch',
  startFake: startFakeTwitch,
  account: (n, email, claim) => socialAccount(String(n), email, claim),
  profileRoute: '/helix/users',
  usesPkce: false,
  isEmailTrusted: false,
  isAddressAlwaysVerified: true,
});
