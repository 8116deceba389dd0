import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/adapters/clock/clock.js';
import { expectContract, expectError, uniqueEmail, type TestApp } from '../../support/app.js';
import { startTwoInstances, type TwoInstances } from '../../support/two-instances.js';
import { newAuthenticator, WEBAUTHN_ENV } from '../../support/webauthn.js';

// Two Latchkey instances behind one load balancer, sharing only the PostgreSQL database: a
// WebAuthn ceremony begun on one must finish on the other (the reference kept challenges in
// process memory), and still only once. PostgreSQL only: the embedded database is one process.

describe.runIf(process.env['TEST_DATABASE_URL'])('WebAuthn ceremonies across two instances on one PostgreSQL database', () => {
  let instances: TwoInstances | undefined;
  let a: TestApp;
  let b: TestApp;
  const clock = new ManualClock(new Date());

  beforeAll(async () => {
    instances = await startTwoInstances({ clock, env: WEBAUTHN_ENV });
    ({ a, b } = instances);
  });
  afterAll(async () => {
    await instances?.close();
  });

  it('signs up on A and finishes on B, signs in on B and finishes on A, each challenge only once', async () => {
    const authenticator = newAuthenticator();
    const email = uniqueEmail('wa-scale');
    const begin = await a.request('POST', '/signup/webauthn', { body: { email } });
    expect(begin.status, begin.text).toBe(200);
    const credential = authenticator.create(begin.body);

    const verify = await b.request('POST', '/signup/webauthn/verify', { body: { credential } });
    expect(verify.status, verify.text).toBe(200);
    expectContract('verifySignUpWebauthn', verify);
    expect(verify.body.session.user.email).toBe(email);
    expectError(await a.request('POST', '/signup/webauthn/verify', { body: { credential } }), 400, 'invalid-request');

    const signIn = await b.request('POST', '/signin/webauthn');
    const assertion = authenticator.get(signIn.body);
    const [onA, onB] = await Promise.all([
      a.request('POST', '/signin/webauthn/verify', { body: { credential: assertion } }),
      b.request('POST', '/signin/webauthn/verify', { body: { credential: assertion } }),
    ]);
    // The same assertion sent to both at once: exactly one session.
    expect([onA.status, onB.status].sort()).toEqual([200, 400]);
  });
});
