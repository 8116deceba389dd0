import { microsoftAccount, startFakeEntraid } from '../../support/fake-providers.js';
import { describeProvASignIn } from './prov-a-sign-in-suite.js';

describeProvASignIn({
  provider: 'entraid',
  startFake: () => startFakeEntraid('organizations'),
  account: (n, email) => microsoftAccount(`entra-${n}`, { email, given_name: 'Grace', family_name: `Hopper ${n}` }),
  breakProfile: (setup) => setup.fake.failNext('/oidc/userinfo', 503),
  trustedClaims: [],
  isNewUserVerified: () => true,
});
