import { randomUUID } from 'node:crypto';
import bcrypt from 'bcrypt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLIENT_URL, expectContract, expectError, uniqueEmail, type ApiResponse, type TestApp } from '../../support/app.js';
import { UUID_V4, insertPasswordUser, refreshTokensOf, rolesOf, startAppGroup, userRow, type AppGroup } from '../../support/email-password.js';

// Sign-in with a six-digit code sent by e-mail (API.md §3.3.5–3.3.6, FLOWS.md §9) through a real
// SMTP server. Deliberate differences from the reference, tested here: the code is stored hashed
// with an attempt counter, only six-digit codes are accepted (the reference let any pending ticket
// through, an `mfaTotp:` one included, skipping the second factor), and verification follows
// AUTH_OTP_EMAIL_ENABLED.

const HOUR_MS = 60 * 60 * 1000;
const ENABLED = { AUTH_OTP_EMAIL_ENABLED: 'true' };
const SIX_DIGITS = /^[0-9]{6}$/;

type Apps = 'otp' | 'fiveTries' | 'off' | 'closed' | 'newUsersDisabled';

let g: AppGroup<Apps>;
let otp: TestApp;

beforeAll(async () => {
  g = await startAppGroup<Apps>({
    // E-mail verification required (the default); three tries keep the attempt tests short.
    otp: {
      ...ENABLED,
      AUTH_OTP_MAX_ATTEMPTS: '3',
      AUTH_LOCALE_ALLOWED_LOCALES: 'en,fr,es',
      AUTH_USER_DEFAULT_ALLOWED_ROLES: 'me,editor',
      AUTH_ACCESS_CONTROL_BLOCKED_EMAIL_DOMAINS: 'blocked.example',
    },
    // AUTH_OTP_MAX_ATTEMPTS at its default (5).
    fiveTries: ENABLED,
    off: {},
    closed: { ...ENABLED, AUTH_DISABLE_SIGNUP: 'true' },
    newUsersDisabled: { ...ENABLED, AUTH_DISABLE_NEW_USERS: 'true' },
  });
  ({ otp } = g.apps);
});
afterAll(() => g?.close());

function requestCode(t: TestApp, body: Record<string, unknown>): Promise<ApiResponse> {
  return t.request('POST', '/signin/otp/email', { body });
}

function verifyCode(t: TestApp, email: string, code: string): Promise<ApiResponse> {
  return t.request('POST', '/signin/otp/email/verify', { body: { email, otp: code } });
}

function expectRequestOk(res: ApiResponse): void {
  expect(res.status, res.text).toBe(200);
  expect(res.text).toBe('"OK"');
  expectContract('signInOTPEmail', res);
}

function expectRequestError(res: ApiResponse, status: number, code: string): void {
  expectError(res, status, code);
  expectContract('signInOTPEmail', res);
}

function expectVerifyError(res: ApiResponse, status: number, code: string): void {
  expectError(res, status, code);
  expectContract('verifySignInOTPEmail', res);
}

/** Asks for a code and returns it as the e-mail carries it. */
async function sendCode(t: TestApp, email: string, options?: Record<string, unknown>): Promise<string> {
  expectRequestOk(await requestCode(t, { email, ...(options ? { options } : {}) }));
  const code = t.mailbox.last(email).ticket;
  expect(code).toMatch(SIX_DIGITS);
  return code;
}

/** A six-digit code that is not `code`. */
function wrongCode(code: string, offset = 1): string {
  return String((Number(code) + offset) % 1_000_000).padStart(6, '0');
}

interface OtpState {
  id: string;
  ticket: string | null;
  otp_hash: string | null;
  otp_hash_expires_at: Date;
  otp_method_last_used: string | null;
  otp_attempts: number;
  email_verified: boolean;
}

async function otpState(email: string): Promise<OtpState> {
  const r = await g.db.query<OtpState>(
    `SELECT id, ticket, otp_hash, otp_hash_expires_at, otp_method_last_used, otp_attempts, email_verified
       FROM auth.users WHERE email = $1`,
    [email],
  );
  const row = r.rows[0]!;
  return { ...row, otp_hash_expires_at: new Date(row.otp_hash_expires_at) };
}

async function expectSignedIn(t: TestApp, res: ApiResponse, email: string): Promise<void> {
  expect(res.status, res.text).toBe(200);
  expectContract('verifySignInOTPEmail', res);
  expect(Object.keys(res.body)).toEqual(['session']);
  expect(res.body.session.user).toMatchObject({ email, emailVerified: true });
  const refreshed = await t.request('POST', '/token', { body: { refreshToken: res.body.session.refreshToken } });
  expect(refreshed.status, refreshed.text).toBe(200);
  expect(refreshed.body.user.id).toBe(res.body.session.user.id);
}

async function userCount(): Promise<number> {
  const r = await g.db.query<{ n: number }>('SELECT count(*)::int AS n FROM auth.users');
  return r.rows[0]!.n;
}

describe('POST /signin/otp/email gate', () => {
  it('answers disabled-endpoint when AUTH_OTP_EMAIL_ENABLED is off, creating nothing and sending nothing', async () => {
    const email = uniqueEmail('off');
    const before = await userCount();
    expectRequestError(await requestCode(g.apps.off, { email }), 409, 'disabled-endpoint');
    expect(await userCount()).toBe(before);
    expect(g.apps.off.mailbox.messages).toEqual([]);
  });

  it('answers disabled-endpoint at verification too, leaving the code untouched (a deliberate difference)', async () => {
    const email = uniqueEmail('verify-off');
    const code = await sendCode(otp, email);
    expectVerifyError(await verifyCode(g.apps.off, email, code), 409, 'disabled-endpoint');
    expect((await otpState(email)).otp_attempts).toBe(0);
    await expectSignedIn(otp, await verifyCode(otp, email, code), email);
  });
});

describe('POST /signin/otp/email', () => {
  it('mails a signin-otp message with the code and no link', async () => {
    const email = uniqueEmail('mail');
    const code = await sendCode(otp, email);
    const mail = otp.mailbox.last(email);
    expect(otp.mailbox.to(email)).toHaveLength(1);
    expect(mail.template).toBe('signin-otp');
    expect(mail.headers).toHaveProperty('x-link');
    expect(mail.link).toBe('');
    expect(mail.redirectTo).toBe(CLIENT_URL);
    expect(mail.envelope.rcptTo).toEqual([email]);
    expect(mail.html).toContain(code);
    expect(mail.html).not.toContain('/verify?');
    expect(mail.subject).toBe(`Your sign-in code: ${code}`);
  });

  it('stores only a hash of the code, in otp_hash with an hour to live, never in the ticket slot', async () => {
    g.clock.advance(1000);
    const email = uniqueEmail('hashed');
    const code = await sendCode(otp, email);
    const state = await otpState(email);
    expect(state.ticket ?? '').not.toContain(code);
    expect(state.otp_hash).not.toBe(code);
    expect(state.otp_hash).toMatch(/^\$2[ab]\$/);
    expect(bcrypt.compareSync(code, state.otp_hash!)).toBe(true);
    expect(state).toMatchObject({ otp_method_last_used: 'email', otp_attempts: 0, email_verified: false });
    expect(state.otp_hash_expires_at.getTime()).toBe(g.clock.now().getTime() + HOUR_MS);
  });

  it('creates a new user from the options, without password, session or verified address, and mails in its locale', async () => {
    const email = uniqueEmail('new');
    const metadata = { plan: 'pro' };
    const options = { displayName: 'Ada Lovelace', locale: 'fr', metadata, allowedRoles: ['editor', 'user'], defaultRole: 'editor' };
    const code = await sendCode(otp, email, options);

    const row = (await userRow(g.db, { email }))!;
    expect(row).toMatchObject({
      email,
      password_hash: null,
      email_verified: false,
      disabled: false,
      display_name: 'Ada Lovelace',
      locale: 'fr',
      default_role: 'editor',
      metadata,
      last_seen: null,
    });
    expect(await rolesOf(g.db, row.id)).toEqual(['editor', 'user']);
    expect(await refreshTokensOf(g.db, row.id)).toEqual([]);

    const mail = otp.mailbox.last(email);
    expect(mail.subject).toBe(`Votre code de connexion : ${code}`);
    expect(mail.html).toContain('<html lang="fr">');
    expect(mail.html).toContain('Ada Lovelace');
  });

  it("mails an existing user in the stored locale and display name, ignoring the options' profile fields", async () => {
    const email = uniqueEmail('existing');
    const id = await insertPasswordUser(g.db, { email, passwordHash: null });
    await g.db.query("UPDATE auth.users SET locale = 'es', display_name = 'Stored Name' WHERE id = $1", [id]);
    const code = await sendCode(otp, email, { displayName: 'Other Name', locale: 'fr' });
    const mail = otp.mailbox.last(email);
    expect(mail.subject).toBe(`Tu código de inicio de sesión: ${code}`);
    expect(mail.html).toContain('Stored Name');
    expect(mail.html).not.toContain('Other Name');
    expect((await userRow(g.db, { id }))!).toMatchObject({ locale: 'es', display_name: 'Stored Name' });
  });

  it('answers disabled-user for a disabled user, sending nothing and storing no code', async () => {
    const email = uniqueEmail('disabled');
    await insertPasswordUser(g.db, { email, passwordHash: null, disabled: true });
    expectRequestError(await requestCode(otp, { email }), 401, 'disabled-user');
    expect(otp.mailbox.to(email)).toEqual([]);
    expect((await otpState(email)).otp_hash).toBeNull();
  });

  it('refuses an address blocked by access control', async () => {
    const email = `${uniqueEmail('blocked').split('@')[0]}@blocked.example`;
    expectRequestError(await requestCode(otp, { email }), 401, 'invalid-email-password');
    expect(await userRow(g.db, { email })).toBeUndefined();
    expect(otp.mailbox.to(email)).toEqual([]);
  });

  it.each([
    ['redirectTo-not-allowed', { redirectTo: 'https://evil.example.net/' }],
    ['role-not-allowed', { allowedRoles: ['admin'] }],
  ])('answers %s even for an existing user', async (code, options) => {
    const email = uniqueEmail('options');
    await insertPasswordUser(g.db, { email, passwordHash: null });
    expectRequestError(await requestCode(otp, { email, options }), 400, code);
    expect(otp.mailbox.to(email)).toEqual([]);
    expect((await otpState(email)).otp_hash).toBeNull();
  });

  it('answers signup-disabled for an unknown address under AUTH_DISABLE_SIGNUP, but still serves existing users', async () => {
    const closed = g.apps.closed;
    const unknown = uniqueEmail('closed');
    expectRequestError(await requestCode(closed, { email: unknown }), 403, 'signup-disabled');
    expect(await userRow(g.db, { email: unknown })).toBeUndefined();
    expect(closed.mailbox.to(unknown)).toEqual([]);

    const email = uniqueEmail('closed-existing');
    await insertPasswordUser(g.db, { email, passwordHash: null });
    const code = await sendCode(closed, email);
    await expectSignedIn(closed, await verifyCode(closed, email, code), email);
  });

  it('answers disabled-user under AUTH_DISABLE_NEW_USERS, keeping the user created but disabled, and sends nothing', async () => {
    const t = g.apps.newUsersDisabled;
    const email = uniqueEmail('new-disabled');
    expectRequestError(await requestCode(t, { email }), 401, 'disabled-user');
    expect((await userRow(g.db, { email }))!).toMatchObject({ disabled: true, email_verified: false, password_hash: null });
    expect(t.mailbox.to(email)).toEqual([]);
  });

  it('keeps the previous code when the mail server refuses the new one, and creates no user', async () => {
    const email = uniqueEmail('refused');
    const code = await sendCode(otp, email);
    const unknown = uniqueEmail('refused-new');
    otp.mailbox.refuse(true);
    try {
      expectRequestError(await requestCode(otp, { email }), 500, 'internal-server-error');
      expectRequestError(await requestCode(otp, { email: unknown }), 500, 'internal-server-error');
    } finally {
      otp.mailbox.refuse(false);
    }
    expect(await userRow(g.db, { email: unknown })).toBeUndefined();
    expect(otp.mailbox.to(email)).toHaveLength(1);
    await expectSignedIn(otp, await verifyCode(otp, email, code), email);
  });
});

describe('POST /signin/otp/email/verify', () => {
  it('answers a session for the right code, verifies the address and spends the code', async () => {
    g.clock.advance(1000);
    const email = uniqueEmail('right');
    const code = await sendCode(otp, email, { displayName: 'Coder' });
    const res = await verifyCode(otp, email, code);
    await expectSignedIn(otp, res, email);
    const { user, refreshToken, refreshTokenId, accessTokenExpiresIn } = res.body.session;
    expect(refreshToken).toMatch(UUID_V4);
    expect(accessTokenExpiresIn).toBe(900);
    expect(user).toMatchObject({ displayName: 'Coder', isAnonymous: false, defaultRole: 'user' });

    const state = await otpState(email);
    expect(state).toMatchObject({ email_verified: true, otp_hash: null, otp_attempts: 0 });
    expect((await refreshTokensOf(g.db, state.id)).map((t) => t.id)).toContain(refreshTokenId);

    expectVerifyError(await verifyCode(otp, email, code), 401, 'invalid-ticket');
  });

  it('lets an unverified existing user in while verification is required', async () => {
    const email = uniqueEmail('unverified');
    const id = await insertPasswordUser(g.db, { email, passwordHash: null, emailVerified: false });
    const code = await sendCode(otp, email);
    await expectSignedIn(otp, await verifyCode(otp, email, code), email);
    expect((await userRow(g.db, { id }))!.email_verified).toBe(true);
  });

  it('finds the user whatever the case of the address', async () => {
    const email = uniqueEmail('case');
    const code = await sendCode(otp, email);
    const res = await verifyCode(otp, email.toUpperCase(), code);
    expect(res.status, res.text).toBe(200);
    expect(res.body.session.user.email).toBe(email);
  });

  it('answers invalid-ticket for each wrong code and counts it', async () => {
    const email = uniqueEmail('wrong');
    const code = await sendCode(otp, email);
    for (const attempt of [1, 2]) {
      expectVerifyError(await verifyCode(otp, email, wrongCode(code, attempt)), 401, 'invalid-ticket');
      expect((await otpState(email)).otp_attempts).toBe(attempt);
    }
    // Attempts remain: the right code still works, and the counter starts over.
    await expectSignedIn(otp, await verifyCode(otp, email, code), email);
    expect((await otpState(email)).otp_attempts).toBe(0);
  });

  it('burns the code after AUTH_OTP_MAX_ATTEMPTS wrong codes, until a new code is requested', async () => {
    const email = uniqueEmail('burned');
    const code = await sendCode(otp, email);
    for (const attempt of [1, 2, 3]) {
      expectVerifyError(await verifyCode(otp, email, wrongCode(code, attempt)), 401, 'invalid-ticket');
      expect((await otpState(email)).otp_attempts).toBe(attempt);
    }
    expect((await otpState(email)).otp_hash).toBeNull();
    expectVerifyError(await verifyCode(otp, email, code), 401, 'invalid-ticket');
    expect((await otpState(email)).email_verified).toBe(false);

    const fresh = await sendCode(otp, email);
    expect((await otpState(email)).otp_attempts).toBe(0);
    await expectSignedIn(otp, await verifyCode(otp, email, fresh), email);
  });

  it('allows five attempts by default: four wrong codes leave the right one usable', async () => {
    const t = g.apps.fiveTries;
    const email = uniqueEmail('default-four');
    const code = await sendCode(t, email);
    for (const attempt of [1, 2, 3, 4]) expectVerifyError(await verifyCode(t, email, wrongCode(code, attempt)), 401, 'invalid-ticket');
    expect((await otpState(email)).otp_attempts).toBe(4);
    await expectSignedIn(t, await verifyCode(t, email, code), email);
  });

  it('burns the code after five wrong codes by default', async () => {
    const t = g.apps.fiveTries;
    const email = uniqueEmail('default-five');
    const code = await sendCode(t, email);
    for (const attempt of [1, 2, 3, 4, 5]) expectVerifyError(await verifyCode(t, email, wrongCode(code, attempt)), 401, 'invalid-ticket');
    expect((await otpState(email)).otp_attempts).toBe(5);
    expectVerifyError(await verifyCode(t, email, code), 401, 'invalid-ticket');
    const fresh = await sendCode(t, email);
    await expectSignedIn(t, await verifyCode(t, email, fresh), email);
  });

  it('counts every one of concurrent wrong guesses', async () => {
    const t = g.apps.fiveTries;
    const email = uniqueEmail('concurrent');
    const code = await sendCode(t, email);
    const guesses = [1, 2, 3, 4, 5].map((offset) => verifyCode(t, email, wrongCode(code, offset)));
    for (const res of await Promise.all(guesses)) expectVerifyError(res, 401, 'invalid-ticket');
    expect((await otpState(email)).otp_attempts).toBe(5);
    expectVerifyError(await verifyCode(t, email, code), 401, 'invalid-ticket');
  });

  it('spends the code once when it is used concurrently', async () => {
    const email = uniqueEmail('race');
    const code = await sendCode(otp, email);
    const results = await Promise.all([1, 2, 3].map(() => verifyCode(otp, email, code)));
    expect(results.map((r) => r.status).sort()).toEqual([200, 401, 401]);
    for (const res of results.filter((r) => r.status !== 200)) expectVerifyError(res, 401, 'invalid-ticket');
    expect(await refreshTokensOf(g.db, (await otpState(email)).id)).toHaveLength(1);
  });

  it('never accepts a pending SMS code', async () => {
    const email = uniqueEmail('sms');
    const id = await insertPasswordUser(g.db, { email, passwordHash: null });
    // What POST /signin/passwordless/sms leaves behind (SCHEMA-NEWER.md §4.5).
    await g.db.query(
      `UPDATE auth.users SET otp_hash = crypt('123456', gen_salt('bf')), otp_hash_expires_at = $2, otp_method_last_used = 'sms', otp_attempts = 0
        WHERE id = $1`,
      [id, new Date(g.clock.now().getTime() + HOUR_MS)],
    );
    expectVerifyError(await verifyCode(otp, email, '123456'), 401, 'invalid-ticket');
    expect(await refreshTokensOf(g.db, id)).toEqual([]);
  });

  it('refuses a pending mfaTotp ticket as the code (the reference let it skip the second factor)', async () => {
    const email = uniqueEmail('totp');
    const id = await insertPasswordUser(g.db, { email, passwordHash: null });
    // What POST /signin/email-password leaves behind for a user with TOTP (TOKENS.md §9).
    const ticket = `mfaTotp:${randomUUID()}`;
    await g.db.query('UPDATE auth.users SET ticket = $2, ticket_expires_at = $3 WHERE id = $1', [id, ticket, new Date(g.clock.now().getTime() + 5 * 60_000)]);

    expectVerifyError(await verifyCode(otp, email, ticket), 401, 'invalid-ticket');
    expect((await userRow(g.db, { id }))!.ticket).toBe(ticket);
    expect(await refreshTokensOf(g.db, id)).toEqual([]);

    // Even alongside a pending e-mail code.
    const code = await sendCode(otp, email);
    expectVerifyError(await verifyCode(otp, email, ticket), 401, 'invalid-ticket');
    expect((await otpState(email)).otp_attempts).toBe(0);
    await expectSignedIn(otp, await verifyCode(otp, email, code), email);
  });

  it.each([
    ['empty', ''],
    ['five digits', '12345'],
    ['seven digits', '1234567'],
    ['letters', 'abcdef'],
    ['padded', ' 12345'],
    ['a trailing newline', '123456\n'],
    ['non-ASCII digits', '١٢٣٤٥٦'],
    ['a verifyEmail ticket', `verifyEmail:${randomUUID()}`],
  ])('answers invalid-ticket for %s without counting an attempt', async (_name, value) => {
    const email = uniqueEmail('shape');
    const code = await sendCode(otp, email);
    expectVerifyError(await verifyCode(otp, email, value), 401, 'invalid-ticket');
    expect((await otpState(email)).otp_attempts).toBe(0);
    await expectSignedIn(otp, await verifyCode(otp, email, code), email);
  });

  it('answers invalid-ticket for a user without a pending code', async () => {
    const email = uniqueEmail('no-code');
    await insertPasswordUser(g.db, { email, passwordHash: null });
    expectVerifyError(await verifyCode(otp, email, '123456'), 401, 'invalid-ticket');
    expectVerifyError(await verifyCode(otp, uniqueEmail('nobody'), '123456'), 401, 'invalid-ticket');
  });

  it('refuses a code after its hour', async () => {
    const email = uniqueEmail('expired');
    const code = await sendCode(otp, email);
    g.clock.advance(HOUR_MS + 1000);
    expectVerifyError(await verifyCode(otp, email, code), 401, 'invalid-ticket');
    expect((await otpState(email)).email_verified).toBe(false);
  });

  it("refuses another address's code", async () => {
    const alice = uniqueEmail('alice');
    const bob = uniqueEmail('bob');
    const aliceCode = await sendCode(otp, alice);
    let bobCode = await sendCode(otp, bob);
    while (bobCode === aliceCode) bobCode = await sendCode(otp, bob);
    expectVerifyError(await verifyCode(otp, bob, aliceCode), 401, 'invalid-ticket');
    await expectSignedIn(otp, await verifyCode(otp, alice, aliceCode), alice);
    await expectSignedIn(otp, await verifyCode(otp, bob, bobCode), bob);
  });

  it('replaces the previous code with a new one', async () => {
    const email = uniqueEmail('replaced');
    const first = await sendCode(otp, email);
    let second = await sendCode(otp, email);
    while (second === first) second = await sendCode(otp, email);
    expectVerifyError(await verifyCode(otp, email, first), 401, 'invalid-ticket');
    await expectSignedIn(otp, await verifyCode(otp, email, second), email);
  });

  it('answers disabled-user when the user was disabled after the code was sent', async () => {
    const email = uniqueEmail('disabled-later');
    const code = await sendCode(otp, email);
    await g.db.query('UPDATE auth.users SET disabled = true WHERE email = $1', [email]);
    expectVerifyError(await verifyCode(otp, email, code), 401, 'disabled-user');
    expect(await refreshTokensOf(g.db, (await otpState(email)).id)).toEqual([]);
  });
});
