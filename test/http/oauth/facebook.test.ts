import { socialAccount, startFakeFacebook } from '../../support/fake-providers.js';
import { describeProviderSignIn } from './provider-sign-in-suite.js';

describeProviderSignIn({
  provider: 'facebook',
  startFake: startFakeFacebook,
  account: (n, email, claim) => socialAccount(String(n), email, claim),
  profileRoute: '/me',
  usesPkce: false,
  isEmailTrusted: false,
  isAddressAlwaysVerified: true,
});
