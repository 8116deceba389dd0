import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectContract, expectError, type TestApp } from '../../support/app.js';
import { emptyBodies, expectRefused, formMistakes, json } from '../../support/bad-input.js';
import { startAppGroup, userRow, type AppGroup } from '../../support/email-password.js';
import { createSignedInUser, type SignedInUser } from '../../support/sessions.js';
import { expectSecurityFailure } from '../../support/system.js';
import { enrolTotp, totpCode, wrongTotpCode } from '../../support/totp.js';
import { storedTotpSecret } from '../../support/totp-at-rest.js';

// POST /user/mfa (API.md §3.7.2, FLOWS.md §12.2–12.3): activating and deactivating TOTP with a
// current code, checks in the reference's order.

type Apps = 'mfa' | 'off';

let g: AppGroup<Apps>;
let mfa: TestApp;

beforeAll(async () => {
  g = await startAppGroup<Apps>({ mfa: { AUTH_MFA_ENABLED: 'true', AUTH_ANONYMOUS_USERS_ENABLED: 'true' }, off: {} });
  ({ mfa } = g.apps);
});
afterAll(() => g?.close());

function changeMfa(user: SignedInUser, body: Record<string, unknown>, t: TestApp = mfa) {
  return t.request('POST', '/user/mfa', { token: user.session.accessToken, body });
}

async function activeMfaType(user: SignedInUser): Promise<string | null> {
  return (await userRow(g.db, { id: user.id }))!.active_mfa_type;
}

/** A user with a generated (not yet active) secret. */
async function userWithSecret(): Promise<{ user: SignedInUser; secret: string }> {
  const user = await createSignedInUser(mfa);
  const res = await mfa.request('GET', '/mfa/totp/generate', { token: user.session.accessToken });
  expect(res.status, res.text).toBe(200);
  return { user, secret: res.body.totpSecret };
}

describe('POST /user/mfa: activation', () => {
  it('activates TOTP with a current code and answers "OK"', async () => {
    const { user, secret } = await userWithSecret();
    const res = await changeMfa(user, { code: totpCode(secret, g.clock.now()), activeMfaType: 'totp' });
    expect(res.status, res.text).toBe(200);
    expect(res.text).toBe('"OK"');
    expectContract('verifyChangeUserMfa', res);
    expect(await activeMfaType(user)).toBe('totp');
    const me = await mfa.request('GET', '/user', { token: user.session.accessToken });
    expect(me.body.activeMfaType).toBe('totp');
  });

  it('accepts the codes of the previous and next 30-second step, not those two steps away', async () => {
    for (const [steps, isAccepted] of [[-2, false], [2, false], [-1, true], [1, true]] as const) {
      const { user, secret } = await userWithSecret();
      const res = await changeMfa(user, { code: totpCode(secret, g.clock.now(), steps), activeMfaType: 'totp' });
      if (isAccepted) expect(res.status, `step ${steps}: ${res.text}`).toBe(200);
      else expectError(res, 401, 'invalid-totp');
    }
  });

  it('refuses a wrong code with invalid-totp and leaves TOTP off', async () => {
    const { user, secret } = await userWithSecret();
    const res = await changeMfa(user, { code: wrongTotpCode(secret, g.clock.now()), activeMfaType: 'totp' });
    expectError(res, 401, 'invalid-totp');
    expectContract('verifyChangeUserMfa', res);
    expect(await activeMfaType(user)).toBeNull();
  });

  it('answers no-totp-secret before any secret was generated', async () => {
    const user = await createSignedInUser(mfa);
    expectError(await changeMfa(user, { code: '123456', activeMfaType: 'totp' }), 400, 'no-totp-secret');
  });

  it('answers totp-already-active when TOTP is on, before looking at the code', async () => {
    const user = await createSignedInUser(mfa);
    const secret = await enrolTotp(mfa, user.session.accessToken);
    expectError(await changeMfa(user, { code: wrongTotpCode(secret, g.clock.now()), activeMfaType: 'totp' }), 400, 'totp-already-active');
  });
});

describe('POST /user/mfa: deactivation', () => {
  it('turns TOTP off with a current code, keeping the secret; the same code may be used again within its window', async () => {
    const user = await createSignedInUser(mfa);
    const secret = await enrolTotp(mfa, user.session.accessToken);
    const storedBefore = await storedTotpSecret(g.db, user.id);
    // The reference's own suite reuses one code for activation and deactivation.
    const res = await changeMfa(user, { code: totpCode(secret, g.clock.now()), activeMfaType: '' });
    expect(res.status, res.text).toBe(200);
    expect(res.text).toBe('"OK"');
    expect(await activeMfaType(user)).toBeNull();
    expect(await storedTotpSecret(g.db, user.id)).toBe(storedBefore);
    const signIn = await mfa.request('POST', '/signin/email-password', { body: { email: user.email, password: user.password } });
    expect(signIn.body.session).toBeDefined();
    expect(signIn.body.mfa).toBeUndefined();
  });

  it('treats a missing activeMfaType as deactivation', async () => {
    const user = await createSignedInUser(mfa);
    const secret = await enrolTotp(mfa, user.session.accessToken);
    expect((await changeMfa(user, { code: totpCode(secret, g.clock.now()) })).status).toBe(200);
    expect(await activeMfaType(user)).toBeNull();
  });

  it('refuses a wrong code with invalid-totp and keeps TOTP on', async () => {
    const user = await createSignedInUser(mfa);
    const secret = await enrolTotp(mfa, user.session.accessToken);
    expectError(await changeMfa(user, { code: wrongTotpCode(secret, g.clock.now()), activeMfaType: '' }), 401, 'invalid-totp');
    expect(await activeMfaType(user)).toBe('totp');
  });

  it('answers disabled-mfa-totp when TOTP is not on, with or without a secret', async () => {
    const bare = await createSignedInUser(mfa);
    expectError(await changeMfa(bare, { code: '123456' }), 401, 'disabled-mfa-totp');
    const { user, secret } = await userWithSecret();
    expectError(await changeMfa(user, { code: totpCode(secret, g.clock.now()), activeMfaType: '' }), 401, 'disabled-mfa-totp');
  });
});

describe('POST /user/mfa: gates and bad input', () => {
  it('answers disabled-endpoint while AUTH_MFA_ENABLED is off', async () => {
    const user = await createSignedInUser(g.apps.off);
    const res = await changeMfa(user, { code: '123456', activeMfaType: 'totp' }, g.apps.off);
    expectError(res, 409, 'disabled-endpoint');
    expectContract('verifyChangeUserMfa', res);
  });

  it('refuses a missing token at the security stage and anonymous users with forbidden-anonymous', async () => {
    expectSecurityFailure(await mfa.request('POST', '/user/mfa', { body: { code: '123456', activeMfaType: 'totp' } }));
    const anon = await mfa.request('POST', '/signin/anonymous', { body: {} });
    const res = await mfa.request('POST', '/user/mfa', { token: anon.body.session.accessToken, body: { code: '123456', activeMfaType: 'totp' } });
    expectError(res, 403, 'forbidden-anonymous');
  });

  it('answers codes of any other shape with invalid-totp, never a 500', async () => {
    const { user } = await userWithSecret();
    for (const code of ['', 'abcdef', '12345', '1234567', ' 123456', '１２３４５６', '12345é', '9'.repeat(10_000)]) {
      const res = await changeMfa(user, { code, activeMfaType: 'totp' });
      expectError(res, 401, 'invalid-totp');
    }
  });

  it('refuses malformed bodies with 400 before the handler', async () => {
    const user = await createSignedInUser(mfa);
    const token = user.session.accessToken;
    const valid = () => ({ code: '123456', activeMfaType: 'totp' });
    // The reference's own suite: an unknown MFA type is a schema failure.
    await expectRefused(mfa, 'POST', '/user/mfa', { token, ...json({ code: '123456', activeMfaType: 'incorrect' }) });
    await expectRefused(mfa, 'POST', '/user/mfa', { token, ...json({ activeMfaType: 'totp' }) });
    await expectRefused(mfa, 'POST', '/user/mfa', { token, ...json({ code: 123456, activeMfaType: 'totp' }) });
    await expectRefused(mfa, 'POST', '/user/mfa', { token, ...json({ code: null }) });
    for (const [, options] of [...formMistakes(valid), ...emptyBodies]) {
      await expectRefused(mfa, 'POST', '/user/mfa', { token, ...options() });
    }
  });
});
