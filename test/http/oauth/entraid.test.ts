import { microsoftAccount, startFakeEntraid } from '../../support/fake-providers.js';
import { describeAppleMicrosoftWorkosSignIn } from './apple-microsoft-workos-sign-in-suite.js';

describeAppleMicrosoftWorkosSignIn({
  provider: 'entraid',
  startFake: () => startFakeEntraid('organizations'),
  account: (n, email) => microsoftAccount(`entra-${n}`, { email, given_name: 'Grace', family_name: `Hopper ${n}` }),
  breakProfile: (setup) => setup.fake.failNext('/oidc/userinfo', 503),
  trustedClaims: [],
  isNewUserVerified: () => true,
});
