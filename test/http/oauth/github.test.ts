import { githubAccount, startFakeGithub } from '../../support/fake-providers.js';
import { describeProviderSignIn } from './provider-sign-in-suite.js';

describeProviderSignIn({
  provider: 'github',
  startFake: startFakeGithub,
  account: (n, email, claim) => githubAccount(n, [{ email, primary: true, ...(claim === undefined ? {} : { verified: claim }) } as { email: string; verified: unknown; primary: boolean }]),
  profileRoute: '/user',
});
