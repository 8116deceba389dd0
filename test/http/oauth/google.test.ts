import { googleAccount, startFakeGoogle } from '../../support/fake-providers.js';
import { describeProviderSignIn } from './provider-sign-in-suite.js';

describeProviderSignIn({
  provider: 'google',
  startFake: startFakeGoogle,
  account: (n, email, claim) => googleAccount(`g-${n}`, email, claim),
  profileRoute: '/oauth2/v2/userinfo',
});
