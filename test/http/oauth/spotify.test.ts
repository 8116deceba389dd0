import { socialAccount, startFakeSpotify } from '../../support/fake-providers.js';
import { describeProviderSignIn } from './provider-sign-in-suite.js';

describeProviderSignIn({
  provider: 'spotify',
  startFake: startFakeSpotify,
  account: (n, email, claim) => socialAccount(`sp${n}`, email, claim),
  profileRoute: '/v1/me',
  isEmailTrusted: false,
  isAddressAlwaysVerified: true,
});
