import { socialAccount, startFakeLinkedin } from '../../support/fake-providers.js';
import { describeProviderSignIn } from './provider-sign-in-suite.js';

describeProviderSignIn({
  provider: 'linkedin',
  startFake: startFakeLinkedin,
  account: (n, email, claim) => socialAccount(`li-${n}`, email, claim),
  profileRoute: '/v2/userinfo',
  usesPkce: false,
  isAddressAlwaysVerified: true,
});
