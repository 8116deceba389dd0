import { socialAccount, startFakeBitbucket } from '../../support/fake-providers.js';
import { describeProviderSignIn } from './provider-sign-in-suite.js';

describeProviderSignIn({
  provider: 'bitbucket',
  startFake: startFakeBitbucket,
  account: (n, email, claim) => socialAccount(`{${n}-0000-4000-8000-000000000000}`, email, claim),
  profileRoute: '/2.0/user',
  usesPkce: false,
  isAddressAlwaysVerified: true,
});
