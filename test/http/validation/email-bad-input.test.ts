import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, uniqueEmail, type RequestOptions, type TestApp } from '../../support/app.js';
import { emptyBodies, expectRefused, formMistakes, json } from '../../support/bad-input.js';
import { signUpWithSession } from '../../support/system.js';

// The e-mail operations refuse malformed input with 400 before their handlers run, send nothing
// and write nothing; none of it can produce a 500.

const CHALLENGE = 'a'.repeat(43);

let t: TestApp;
let accessToken: string;

beforeAll(async () => {
  t = await startTestApp({
    env: { AUTH_EMAIL_SIGNIN_EMAIL_VERIFIED_REQUIRED: 'false', AUTH_EMAIL_PASSWORDLESS_ENABLED: 'true', AUTH_OTP_EMAIL_ENABLED: 'true' },
  });
  accessToken = (await signUpWithSession(t)).accessToken;
});
afterAll(() => t?.close());

type Case = [string, () => RequestOptions];

/** Shape mistakes shared by the operations whose body is `{email, options: {redirectTo}, codeChallenge}`. */
function redirectOptionMistakes(valid: () => Record<string, unknown>): Case[] {
  return [
    ...formMistakes(valid),
    ...emptyBodies,
    ['a missing email', () => json({})],
    ['a numeric email', () => json({ email: 5 })],
    ['null options', () => json({ ...valid(), options: null })],
    ['a sign-up option where only redirectTo is allowed', () => json({ ...valid(), options: { locale: 'en' } })],
    ['a numeric redirectTo', () => json({ ...valid(), options: { redirectTo: 5 } })],
    ['a codeChallenge of 44 characters', () => json({ ...valid(), codeChallenge: 'a'.repeat(44) })],
    ['a codeChallenge with "+"', () => json({ ...valid(), codeChallenge: `${'a'.repeat(42)}+` })],
  ];
}

const operations: Array<{ path: string; isBearer?: boolean; cases: Case[] }> = [
  { path: '/user/password/reset', cases: redirectOptionMistakes(() => ({ email: uniqueEmail() })) },
  { path: '/user/email/send-verification-email', cases: redirectOptionMistakes(() => ({ email: uniqueEmail() })) },
  {
    path: '/user/email/change',
    isBearer: true,
    cases: [
      ...formMistakes(() => ({ newEmail: uniqueEmail() })),
      ...emptyBodies,
      ['email instead of newEmail', () => json({ email: uniqueEmail() })],
      ['an invalid newEmail', () => json({ newEmail: 'user@localhost' })],
      ['a codeChallenge of 42 characters', () => json({ newEmail: uniqueEmail(), codeChallenge: 'a'.repeat(42) })],
    ],
  },
  {
    path: '/signin/passwordless/email',
    cases: [
      ...formMistakes(() => ({ email: uniqueEmail() })),
      ...emptyBodies,
      ['an options locale of 4 characters', () => json({ email: uniqueEmail(), options: { locale: 'engl' } })],
      ['a numeric codeChallenge', () => json({ email: uniqueEmail(), codeChallenge: 43 })],
    ],
  },
  {
    path: '/signin/otp/email',
    cases: [
      ...formMistakes(() => ({ email: uniqueEmail() })),
      ...emptyBodies,
      ['a codeChallenge, which this operation does not take', () => json({ email: uniqueEmail(), codeChallenge: CHALLENGE })],
    ],
  },
  {
    path: '/signin/otp/email/verify',
    cases: [
      ...formMistakes(() => ({ email: uniqueEmail(), otp: '123456' })),
      ...emptyBodies,
      ['a missing otp', () => json({ email: uniqueEmail() })],
      ['a numeric otp', () => json({ email: uniqueEmail(), otp: 123456 })],
    ],
  },
  {
    path: '/token/exchange',
    cases: [
      ...formMistakes(() => ({ code: 'c', codeVerifier: 'v'.repeat(43) })),
      ...emptyBodies,
      ['a missing code', () => json({ codeVerifier: 'v'.repeat(43) })],
      ['a verifier of 129 characters', () => json({ code: 'c', codeVerifier: 'v'.repeat(129) })],
    ],
  },
];

for (const op of operations) {
  describe(`POST ${op.path}`, () => {
    it.each(op.cases)('refuses %s with 400, writing and sending nothing', async (_name, options) => {
      const before = t.mailbox.messages.length;
      await expectRefused(t, 'POST', op.path, { ...options(), ...(op.isBearer ? { token: accessToken } : {}) });
      expect(t.mailbox.messages.length).toBe(before);
    });
  });
}

describe('GET /verify', () => {
  const verify = (query: string) => t.request('GET', `/verify?${query}`);

  it.each([
    ['no ticket', 'redirectTo=http%3A%2F%2Flocalhost%3A3000'],
    ['no redirectTo', 'ticket=verifyEmail%3Ax'],
    ['a repeated ticket', 'ticket=a&ticket=b&redirectTo=http%3A%2F%2Flocalhost%3A3000'],
    ['an unknown type', 'ticket=a&redirectTo=http%3A%2F%2Flocalhost%3A3000&type=magic'],
    ['a codeChallenge of 42 characters', `ticket=a&redirectTo=http%3A%2F%2Flocalhost%3A3000&codeChallenge=${'a'.repeat(42)}`],
  ])('refuses %s with 400', async (_name, query) => {
    const res = await verify(query);
    expect(res.status, res.text).toBe(400);
    expect(res.body).toEqual({ error: expect.any(String) });
  });

  it('answers a long unknown ticket with the invalid-ticket redirect, and an oversized URL with 431', async () => {
    const res = await verify(`ticket=verifyEmail%3A${'x'.repeat(10_000)}&redirectTo=http%3A%2F%2Flocalhost%3A3000`);
    expect(res.status).toBe(302);
    expect(new URL(res.headers.get('location')!).searchParams.get('error')).toBe('invalid-ticket');
    // Past Node's 16 KiB header limit the request never reaches the router: a 4xx, never a 500.
    expect((await verify(`ticket=verifyEmail%3A${'x'.repeat(100_000)}&redirectTo=x`)).status).toBe(431);
  });

  it('answers a redirectTo with a control character by redirecting to the client URL', async () => {
    const res = await verify('ticket=verifyEmail%3Ax&redirectTo=http%3A%2F%2Flocalhost%3A3000%2F%0Aevil');
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location')!);
    expect(location.origin).toBe('http://localhost:3000');
    expect(location.searchParams.get('error')).toBe('redirectTo-not-allowed');
  });
});
