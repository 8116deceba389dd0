import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectContract, uniqueEmail, type ApiResponse, type TestApp } from '../../support/app.js';
import { startAppGroup, type AppGroup } from '../../support/email-password.js';
import { createSignedInUser } from '../../support/sessions.js';

// Per-account lockout with progressive delay (docs/compat.md S22): AUTH_LOCKOUT_MAX_FAILURES
// (default 10) wrong passwords or e-mail codes for one e-mail lock it for AUTH_LOCKOUT_DELAY
// (default 1m), doubling with each further streak, up to AUTH_LOCKOUT_MAX_DELAY (default 1h).
// The reference has no lockout.

const MINUTE_MS = 60_000;

type Apps = 'defaults' | 'otp';
let g: AppGroup<Apps>;
let t: TestApp;
let otp: TestApp;

beforeAll(async () => {
  g = await startAppGroup<Apps>({
    defaults: { AUTH_EMAIL_SIGNIN_EMAIL_VERIFIED_REQUIRED: 'false' },
    otp: { AUTH_EMAIL_SIGNIN_EMAIL_VERIFIED_REQUIRED: 'false', AUTH_OTP_EMAIL_ENABLED: 'true', AUTH_LOCKOUT_MAX_FAILURES: '4', AUTH_OTP_MAX_ATTEMPTS: '3' },
  });
  ({ defaults: t, otp } = g.apps);
});
afterAll(() => g?.close());

function signIn(app: TestApp, email: string, password: string): Promise<ApiResponse> {
  return app.request('POST', '/signin/email-password', { body: { email, password } });
}

async function lockoutRow(app: TestApp, kind: string, email: string): Promise<{ failures: number; locked_until: Date | null } | undefined> {
  const { rows } = await app.db.query<{ failures: number; locked_until: Date | null }>(
    'SELECT failures, locked_until FROM latchkey.lockouts WHERE kind = $1 AND account = $2',
    [kind, email.toLowerCase()],
  );
  return rows[0];
}

const answerOf = (res: ApiResponse) => ({ status: res.status, body: res.body });

describe('lockout after wrong passwords', () => {
  it('counts every one of many simultaneous wrong passwords', async () => {
    const user = await createSignedInUser(t);
    const answers = await Promise.all(Array.from({ length: 8 }, () => signIn(t, user.email, 'wrong-password')));
    expect(answers.every((a) => a.status === 401)).toBe(true);
    expect(await lockoutRow(t, 'password', user.email)).toMatchObject({ failures: 8, locked_until: null });
  });

  it('checks at most the limit of simultaneous guesses before the lock', async () => {
    const user = await createSignedInUser(t);
    await Promise.all(Array.from({ length: 15 }, () => signIn(t, user.email, 'wrong-password')));
    const row = await lockoutRow(t, 'password', user.email);
    expect(row?.failures).toBe(10);
    expect(row?.locked_until?.getTime()).toBe(t.clock.now().getTime() + MINUTE_MS);
  });

  it('answers a locked account exactly like an unknown e-mail and a wrong password, then unlocks after the delay', async () => {
    const user = await createSignedInUser(t);
    const other = await createSignedInUser(t);
    for (let i = 0; i < 10; i += 1) expect((await signIn(t, user.email, `wrong-${i}`)).status).toBe(401);

    const locked = await signIn(t, user.email, user.password); // the right password
    const unknown = await signIn(t, uniqueEmail('nobody'), user.password);
    const wrong = await signIn(t, other.email, 'wrong-password');
    expect(answerOf(locked)).toEqual({ status: 401, body: { status: 401, error: 'invalid-email-password', message: 'Incorrect email or password' } });
    expect(answerOf(unknown)).toEqual(answerOf(locked));
    expect(answerOf(wrong)).toEqual(answerOf(locked));
    expect(locked.headers.get('content-type')).toBe(wrong.headers.get('content-type'));
    expectContract('signInEmailPassword', locked);
    // Attempts while locked are refused without extending the lock.
    expect((await lockoutRow(t, 'password', user.email))?.failures).toBe(10);

    t.clock.advance(MINUTE_MS + 1);
    const res = await signIn(t, user.email, user.password);
    expect(res.status, res.text).toBe(200);
    expect(await lockoutRow(t, 'password', user.email)).toBeUndefined();
    // The other account's wrong password is its own streak.
    expect((await lockoutRow(t, 'password', other.email))?.failures).toBe(1);
  });

  it('doubles the lock with each wrong password after one, up to the maximum', async () => {
    const user = await createSignedInUser(t);
    for (let i = 0; i < 10; i += 1) await signIn(t, user.email, 'wrong-password');
    const lockFor = async () => ((await lockoutRow(t, 'password', user.email))!.locked_until!.getTime() - t.clock.now().getTime()) / MINUTE_MS;
    expect(await lockFor()).toBe(1);
    const expected = [2, 4, 8, 16, 32, 60, 60];
    for (const minutes of expected) {
      t.clock.advance(60 * MINUTE_MS);
      expect((await signIn(t, user.email, 'wrong-password')).status).toBe(401);
      expect(await lockFor()).toBe(minutes);
    }
  });

  it('locks unknown e-mails too, without creating anything in auth', async () => {
    const email = uniqueEmail('ghost');
    for (let i = 0; i < 10; i += 1) await signIn(t, email, 'guess');
    expect((await lockoutRow(t, 'password', email.toUpperCase()))?.failures).toBe(10);
    const { rows } = await t.db.query('SELECT 1 FROM auth.users WHERE email = $1', [email]);
    expect(rows).toHaveLength(0);
  });
});

describe('lockout rows', () => {
  it('are forgotten a day after the last attempt, when a new account starts a streak', async () => {
    const [old, recent, fresh] = [uniqueEmail('old-streak'), uniqueEmail('recent-streak'), uniqueEmail('new-streak')];
    await signIn(t, old, 'guess');
    t.clock.advance(12 * 60 * MINUTE_MS);
    await signIn(t, recent, 'guess');
    t.clock.advance(12 * 60 * MINUTE_MS + 1);
    await signIn(t, fresh, 'guess');
    expect(await lockoutRow(t, 'password', old)).toBeUndefined();
    expect(await lockoutRow(t, 'password', recent)).toMatchObject({ failures: 1 });
    expect(await lockoutRow(t, 'password', fresh)).toMatchObject({ failures: 1 });
  });
});

describe('lockout after wrong e-mail codes', () => {
  async function sendCode(email: string): Promise<string> {
    expect((await otp.request('POST', '/signin/otp/email', { body: { email } })).status).toBe(200);
    return otp.mailbox.last(email).ticket!;
  }
  const verify = (email: string, code: string) => otp.request('POST', '/signin/otp/email/verify', { body: { email, otp: code } });
  const wrongOf = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

  it('locks an e-mail across fresh codes and answers the right code like a wrong one while locked', async () => {
    const email = uniqueEmail('otp-lock');
    const first = await sendCode(email);
    for (let i = 0; i < 3; i += 1) expect((await verify(email, wrongOf(first))).status).toBe(401); // burns the code
    const second = await sendCode(email);
    expect((await verify(email, wrongOf(second))).status).toBe(401); // the fourth wrong code: locked

    const locked = await verify(email, second);
    const wrong = await verify(uniqueEmail('otp-other'), second);
    expect(answerOf(locked)).toEqual({ status: 401, body: { status: 401, error: 'invalid-ticket', message: 'Invalid ticket' } });
    expect(answerOf(wrong)).toEqual(answerOf(locked));

    otp.clock.advance(MINUTE_MS + 1);
    const res = await verify(email, second);
    expect(res.status, res.text).toBe(200);
    expect(await lockoutRow(otp, 'email-otp', email)).toBeUndefined();
  });
});
