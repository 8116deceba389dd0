import { socialAccount, startFakeWindowslive } from '../../support/fake-providers.js';
import { describeProviderSignIn } from './provider-sign-in-suite.js';

describeProviderSignIn({
  provider: 'windowslive',
  startFake: startFakeWindowslive,
  account: (n, email, claim) => socialAccount(`wl${n}`, email, claim),
  profileRoute: '/v5.0/me',
  usesPkce: false,
  isEmailTrusted: false,
  isAddressAlwaysVerified: true,
});
