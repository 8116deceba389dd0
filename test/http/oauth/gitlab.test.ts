import { socialAccount, startFakeGitlab } from '../../support/fake-providers.js';
import { describeProviderSignIn } from './provider-sign-in-suite.js';

describeProviderSignIn({
  provider: 'gitlab',
  startFake: startFakeGitlab,
  account: (n, email, claim) => socialAccount(String(n), email, claim),
  profileRoute: '/gitlab/api/v4/user',
  isEmailTrusted: false,
  isAddressAlwaysVerified: true,
});
