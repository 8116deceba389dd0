import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLIENT_URL, expectContract, expectError, send, startTestApp, uniqueEmail, type ApiResponse, type TestApp } from '../../support/app.js';
import { challengeOf } from '../../support/mail-links.js';
import type { TestDatabase } from '../../support/database.js';
import type { CapturedMail } from '../../support/mailbox.js';
import { createSignedInUser, refresh, refreshTokenHash, refreshTokenRows, TEST_PASSWORD } from '../../support/sessions.js';

// GET /verify (API.md §3.5, §1.10; FLOWS.md §4): every ticket kind from the e-mail that carries
// it to the session it starts, and every way the landing refuses.

const APP_URL = 'https://app.example.org';
const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

let t: TestApp & { database: TestDatabase };

beforeAll(async () => {
  t = await startTestApp({ env: { AUTH_EMAIL_PASSWORDLESS_ENABLED: 'true', AUTH_ACCESS_CONTROL_ALLOWED_REDIRECT_URLS: APP_URL } });
});
afterAll(() => t?.close());

/** Opens an e-mailed link against the app under test (the link itself points at AUTH_SERVER_URL). */
function openLink(link: string, changes: Record<string, string | null> = {}): Promise<ApiResponse> {
  const url = new URL(link);
  for (const [key, value] of Object.entries(changes)) {
    if (value === null) url.searchParams.delete(key);
    else url.searchParams.set(key, value);
  }
  return send(`${t.baseUrl}/verify${url.search}`, 'GET');
}

function verify(params: Record<string, string>): Promise<ApiResponse> {
  return t.request('GET', `/verify?${new URLSearchParams(params).toString()}`);
}

function locationOf(res: ApiResponse): URL {
  expect(res.status, res.text).toBe(302);
  expect(res.text).toBe('');
  return new URL(res.headers.get('location')!);
}

/** The query of a redirect as an object, checking that no key repeats. */
function queryOf(url: URL): Record<string, string> {
  const keys = [...url.searchParams.keys()];
  expect(new Set(keys).size, url.search).toBe(keys.length);
  return Object.fromEntries(url.searchParams);
}

function expectErrorRedirect(res: ApiResponse, target: string, error: string): URL {
  const url = locationOf(res);
  expect(`${url.origin}${url.pathname}`).toBe(new URL(target).href.split(/[?#]/)[0]);
  expect(url.searchParams.get('error')).toBe(error);
  expect(url.searchParams.get('errorDescription')).toMatch(/\S/);
  expect(url.searchParams.has('refreshToken')).toBe(false);
  expect(url.searchParams.has('code')).toBe(false);
  return url;
}

interface UserState {
  id: string;
  email: string;
  new_email: string | null;
  email_verified: boolean;
  disabled: boolean;
  password_hash: string | null;
  ticket: string | null;
  last_seen: Date | null;
}

async function userState(where: { email: string } | { id: string }): Promise<UserState> {
  const [column, value] = 'id' in where ? ['id', where.id] : ['email', where.email];
  const r = await t.db.query<UserState>(
    `SELECT id, email::text AS email, new_email::text AS new_email, email_verified, disabled, password_hash, ticket, last_seen
       FROM auth.users WHERE ${column} = $1`,
    [value],
  );
  expect(r.rows, `no user with ${column} ${value}`).toHaveLength(1);
  return r.rows[0]!;
}

/** Signs up on the app (verification required) and returns the `email-verify` mail. */
async function signUpPending(options: Record<string, unknown> = {}, codeChallenge?: string): Promise<{ email: string; mail: CapturedMail }> {
  const email = uniqueEmail('verify');
  const body: Record<string, unknown> = { email, password: TEST_PASSWORD, options };
  if (codeChallenge !== undefined) body['codeChallenge'] = codeChallenge;
  const res = await t.request('POST', '/signup/email-password', { body });
  expect(res.status, res.text).toBe(200);
  expect(res.body).toEqual({});
  const mail = t.mailbox.last(email);
  expect(mail.template).toBe('email-verify');
  return { email, mail };
}

async function setTicket(userId: string, ticket: string, expiresInMs = HOUR_MS): Promise<void> {
  await t.db.query('UPDATE auth.users SET ticket = $2, ticket_expires_at = $3 WHERE id = $1', [userId, ticket, new Date(t.clock.now().getTime() + expiresInMs)]);
}

/** Follows a success redirect's refresh token through POST /token; returns the refreshed body. */
async function expectWorkingRefreshToken(refreshToken: string): Promise<any> {
  const res = await refresh(t, refreshToken);
  expect(res.status, res.text).toBe(200);
  return res.body;
}

describe('GET /verify with each ticket kind', () => {
  it('verifies the address of a sign-up and redirects with a working refresh token and type verifyEmail', async () => {
    const { email, mail } = await signUpPending();
    const before = await userState({ email });
    expect(before).toMatchObject({ email_verified: false, ticket: mail.ticket, last_seen: null });
    t.clock.advance(1000);

    const url = locationOf(await openLink(mail.link));
    expect(`${url.origin}${url.pathname}`).toBe(`${CLIENT_URL}/`);
    const query = queryOf(url);
    expect(Object.keys(query)).toEqual(['refreshToken', 'type']);
    expect(query['type']).toBe('verifyEmail');

    const after = await userState({ email });
    expect(after).toMatchObject({ email_verified: true, ticket: null, disabled: false });
    expect(after.last_seen?.getTime()).toBe(t.clock.now().getTime());
    const rows = await refreshTokenRows(t, before.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ type: 'regular', refresh_token_hash: refreshTokenHash(query['refreshToken']!) });

    const refreshed = await expectWorkingRefreshToken(query['refreshToken']!);
    expect(refreshed.user).toMatchObject({ id: before.id, email, emailVerified: true });
    const signIn = await t.request('POST', '/signin/email-password', { body: { email, password: TEST_PASSWORD } });
    expect(signIn.status).toBe(200);
  });

  it('signs in with a magic link (type passwordlessEmail) and verifies the address', async () => {
    const email = uniqueEmail('magic');
    const res = await t.request('POST', '/signin/passwordless/email', { body: { email } });
    expect(res.status, res.text).toBe(200);
    const mail = t.mailbox.last(email);
    expect(mail.template).toBe('signin-passwordless');
    expect(mail.ticket).toMatch(/^passwordlessEmail:/);
    expect(new URL(mail.link).searchParams.get('type')).toBe('signinPasswordless');
    expect(await userState({ email })).toMatchObject({ email_verified: false, password_hash: null });

    const query = queryOf(locationOf(await openLink(mail.link)));
    expect(query['type']).toBe('passwordlessEmail');
    const user = await userState({ email });
    expect(user).toMatchObject({ email_verified: true, ticket: null });
    const refreshed = await expectWorkingRefreshToken(query['refreshToken']!);
    expect(refreshed.user).toMatchObject({ id: user.id, email, emailVerified: true });
  });

  it('signs in with a password-reset link (type passwordReset) and changes nothing else', async () => {
    const user = await createSignedInUser(t);
    const res = await t.request('POST', '/user/password/reset', { body: { email: user.email } });
    expect(res.status, res.text).toBe(200);
    const mail = t.mailbox.last(user.email);
    expect(mail.template).toBe('password-reset');
    const before = await userState({ id: user.id });
    expect(before.ticket).toBe(mail.ticket);

    const query = queryOf(locationOf(await openLink(mail.link)));
    expect(query['type']).toBe('passwordReset');
    const after = await userState({ id: user.id });
    expect(after).toMatchObject({ ...before, ticket: null, last_seen: expect.any(Date) });
    const refreshed = await expectWorkingRefreshToken(query['refreshToken']!);
    expect(refreshed.user.id).toBe(user.id);
    // The client then sets the new password with the session the link started.
    const change = await t.request('POST', '/user/password', { token: refreshed.accessToken, body: { newPassword: 'the-new-password-789' } });
    expect(change.status, change.text).toBe(200);
  });

  it('changes the address with an emailConfirmChange link (type emailConfirmChange)', async () => {
    const user = await createSignedInUser(t);
    const newEmail = uniqueEmail('changed');
    const res = await t.request('POST', '/user/email/change', { token: user.session.accessToken, body: { newEmail } });
    expect(res.status, res.text).toBe(200);
    const mail = t.mailbox.last(newEmail);
    expect(mail.template).toBe('email-confirm-change');
    expect(await userState({ id: user.id })).toMatchObject({ email: user.email, new_email: newEmail });

    const query = queryOf(locationOf(await openLink(mail.link)));
    expect(query['type']).toBe('emailConfirmChange');
    expect(await userState({ id: user.id })).toMatchObject({ email: newEmail, new_email: null, email_verified: true, ticket: null });
    const refreshed = await expectWorkingRefreshToken(query['refreshToken']!);
    expect(refreshed.user).toMatchObject({ id: user.id, email: newEmail, emailVerified: true });
    const signIn = await t.request('POST', '/signin/email-password', { body: { email: newEmail, password: user.password } });
    expect(signIn.status).toBe(200);
  });

  it('marks the new address verified when the account had no verified address (verification not required)', async () => {
    const lax = await startTestApp({ env: { AUTH_EMAIL_SIGNIN_EMAIL_VERIFIED_REQUIRED: 'false' }, database: t.database, clock: t.clock });
    try {
      const user = await createSignedInUser(lax);
      expect((await userState({ id: user.id })).email_verified).toBe(false);
      const newEmail = uniqueEmail('changed-lax');
      expect((await lax.request('POST', '/user/email/change', { token: user.session.accessToken, body: { newEmail } })).status).toBe(200);
      const link = new URL(lax.mailbox.last(newEmail).link);
      const res = await send(`${lax.baseUrl}/verify${link.search}`, 'GET');
      expect(locationOf(res).searchParams.get('type')).toBe('emailConfirmChange');
      expect(await userState({ id: user.id })).toMatchObject({ email: newEmail, new_email: null, email_verified: true });
    } finally {
      await lax.close();
    }
  });

  it('keeps the query parameters and the fragment of redirectTo, replacing same-named ones, keys sorted', async () => {
    const redirectTo = `${APP_URL}/after/verify?z=last&a=first&refreshToken=stale&type=old#section-2`;
    const { mail } = await signUpPending({ redirectTo });
    expect(mail.redirectTo).toBe(redirectTo);
    const url = locationOf(await openLink(mail.link));
    expect(`${url.origin}${url.pathname}`).toBe(`${APP_URL}/after/verify`);
    expect(url.hash).toBe('#section-2');
    const query = queryOf(url);
    expect(Object.keys(query)).toEqual(['a', 'refreshToken', 'type', 'z']);
    expect(query).toMatchObject({ a: 'first', z: 'last', type: 'verifyEmail' });
    expect(query['refreshToken']).not.toBe('stale');
    await expectWorkingRefreshToken(query['refreshToken']!);
  });

  it('redirects to the redirectTo of the request, not the one stored in the mail', async () => {
    const { mail } = await signUpPending();
    const url = locationOf(await openLink(mail.link, { redirectTo: `${APP_URL}/elsewhere` }));
    expect(`${url.origin}${url.pathname}`).toBe(`${APP_URL}/elsewhere`);
    expect(url.searchParams.get('type')).toBe('verifyEmail');
  });

  it('ignores the deprecated type parameter: the ticket prefix decides', async () => {
    const { email, mail } = await signUpPending();
    const url = locationOf(await openLink(mail.link, { type: 'passwordReset' }));
    expect(url.searchParams.get('type')).toBe('verifyEmail');
    expect((await userState({ email })).email_verified).toBe(true);
  });

  it('accepts a link without the type parameter', async () => {
    const { mail } = await signUpPending();
    const url = locationOf(await openLink(mail.link, { type: null }));
    expect(url.searchParams.get('type')).toBe('verifyEmail');
  });
});

describe('GET /verify with a PKCE challenge', () => {
  it('redirects with a one-time code instead of a refresh token, creates no refresh token and the code gives a session', async () => {
    const verifier = randomBytes(32).toString('base64url');
    const codeChallenge = challengeOf(verifier);
    const { email, mail } = await signUpPending({}, codeChallenge);
    expect(new URL(mail.link).searchParams.get('codeChallenge')).toBe(codeChallenge);
    const { id } = await userState({ email });

    const url = locationOf(await openLink(mail.link));
    const query = queryOf(url);
    expect(Object.keys(query)).toEqual(['code', 'type']);
    expect(query['type']).toBe('verifyEmail');
    expect(query['code']).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await refreshTokenRows(t, id)).toEqual([]);
    expect(await userState({ id })).toMatchObject({ email_verified: true, ticket: null });
    const stored = await t.db.query<{ user_id: string; code_challenge: string; redirect_to: string }>(
      'SELECT user_id, code_challenge, redirect_to FROM auth.pkce_authorization_codes WHERE user_id = $1',
      [id],
    );
    expect(stored.rows).toEqual([{ user_id: id, code_challenge: codeChallenge, redirect_to: CLIENT_URL }]);

    const exchange = await t.request('POST', '/token/exchange', { body: { code: query['code'], codeVerifier: verifier } });
    expect(exchange.status, exchange.text).toBe(200);
    expectContract('tokenExchange', exchange);
    expect(exchange.body.session.user).toMatchObject({ id, email, emailVerified: true });
    const rows = await refreshTokenRows(t, id);
    expect(rows.map((r) => r.refresh_token_hash)).toEqual([refreshTokenHash(exchange.body.session.refreshToken)]);
  });

  it('uses a codeChallenge added to the link for a magic link as well', async () => {
    const verifier = randomBytes(48).toString('base64url');
    const email = uniqueEmail('magic-pkce');
    const res = await t.request('POST', '/signin/passwordless/email', { body: { email, codeChallenge: challengeOf(verifier) } });
    expect(res.status, res.text).toBe(200);
    const query = queryOf(locationOf(await openLink(t.mailbox.last(email).link)));
    expect(Object.keys(query)).toEqual(['code', 'type']);
    expect(query['type']).toBe('passwordlessEmail');
    const exchange = await t.request('POST', '/token/exchange', { body: { code: query['code'], codeVerifier: verifier } });
    expect(exchange.status, exchange.text).toBe(200);
    expect(exchange.body.session.user.email).toBe(email);
  });

  it('refuses a malformed codeChallenge with a 400 before spending the ticket', async () => {
    const { email, mail } = await signUpPending();
    const res = await openLink(mail.link, { codeChallenge: 'too-short' });
    expect(res.status).toBe(400);
    expect(typeof res.body.error).toBe('string');
    expect((await userState({ email })).ticket).toBe(mail.ticket);
  });
});

describe('GET /verify redirect targets on failure', () => {
  it('sends a redirectTo that is not allowed to AUTH_CLIENT_URL with redirectTo-not-allowed, leaving the ticket unspent', async () => {
    const { email, mail } = await signUpPending();
    const url = expectErrorRedirect(await openLink(mail.link, { redirectTo: 'https://evil.example.net/steal' }), CLIENT_URL, 'redirectTo-not-allowed');
    expect(`${url.origin}${url.pathname}`).toBe(`${CLIENT_URL}/`);
    expect(Object.keys(queryOf(url))).toEqual(['error', 'errorDescription']);
    expect(url.hash).toBe('');
    expect(await userState({ email })).toMatchObject({ ticket: mail.ticket, email_verified: false });
    expect(locationOf(await openLink(mail.link)).searchParams.get('type')).toBe('verifyEmail');
  });

  it('does not carry stale error parameters into later redirects to AUTH_CLIENT_URL', async () => {
    // The reference wrote the error into its shared copy of AUTH_CLIENT_URL (API.md §1.10 quirk).
    const first = await signUpPending();
    expectErrorRedirect(await openLink(first.mail.link, { redirectTo: 'https://evil.example.net/' }), CLIENT_URL, 'redirectTo-not-allowed');

    const success = locationOf(await openLink(first.mail.link));
    expect(`${success.origin}${success.pathname}`).toBe(`${CLIENT_URL}/`);
    expect(Object.keys(queryOf(success))).toEqual(['refreshToken', 'type']);

    // Another error to the client URL carries only its own error.
    const replay = expectErrorRedirect(await openLink(first.mail.link), CLIENT_URL, 'invalid-ticket');
    expect(Object.keys(queryOf(replay))).toEqual(['error', 'errorDescription']);

    const second = await signUpPending();
    expectErrorRedirect(await openLink(second.mail.link, { redirectTo: 'https://evil.example.net/' }), CLIENT_URL, 'redirectTo-not-allowed');
    const bad = expectErrorRedirect(await verify({ ticket: `verifyEmail:${randomUUID()}`, redirectTo: CLIENT_URL }), CLIENT_URL, 'invalid-ticket');
    expect(Object.keys(queryOf(bad))).toEqual(['error', 'errorDescription']);
  });

  it('answers JSON invalid-request for an unparsable redirectTo and spends nothing', async () => {
    const { email, mail } = await signUpPending();
    const res = await openLink(mail.link, { redirectTo: 'http://[::1' });
    expectError(res, 400, 'invalid-request');
    expectContract('verifyTicket', res);
    expect(res.headers.get('location')).toBeNull();
    expect((await userState({ email })).ticket).toBe(mail.ticket);
  });

  it('redirects errors after the redirect check to the redirectTo of the request, keeping its query and fragment', async () => {
    const url = expectErrorRedirect(await verify({ ticket: `verifyEmail:${randomUUID()}`, redirectTo: `${APP_URL}/landing?keep=1#frag` }), `${APP_URL}/landing`, 'invalid-ticket');
    expect(queryOf(url)).toMatchObject({ keep: '1' });
    expect(Object.keys(queryOf(url))).toEqual(['error', 'errorDescription', 'keep']);
    expect(url.hash).toBe('#frag');
  });
});

describe('GET /verify parameter validation', () => {
  it('answers 400 when ticket or redirectTo is missing', async () => {
    const { email, mail } = await signUpPending();
    for (const missing of ['ticket', 'redirectTo']) {
      const res = await openLink(mail.link, { [missing]: null });
      expect(res.status, missing).toBe(400);
      expect(Object.keys(res.body), missing).toEqual(['error']);
      expect(res.body.error).toMatch(new RegExp(missing));
      expectContract('verifyTicket', res);
    }
    expect((await userState({ email })).ticket).toBe(mail.ticket);
  });

  it('answers 400 for a type outside the four link types, without spending the ticket', async () => {
    const { email, mail } = await signUpPending();
    for (const type of ['verifyEmail', 'magicLink', '']) {
      const res = await openLink(mail.link, { type });
      expect(res.status, type).toBe(400);
      expect(Object.keys(res.body)).toEqual(['error']);
      expectContract('verifyTicket', res);
    }
    expect((await userState({ email })).ticket).toBe(mail.ticket);
  });

  it('accepts each of the four link types', async () => {
    for (const type of ['emailVerify', 'emailConfirmChange', 'signinPasswordless', 'passwordReset']) {
      const { mail } = await signUpPending();
      const url = locationOf(await openLink(mail.link, { type }));
      expect(url.searchParams.get('type'), type).toBe('verifyEmail');
    }
  });
});

describe('GET /verify ticket checks', () => {
  it('refuses an unknown prefix, an mfaTotp ticket and a bare code with invalid-ticket, consuming nothing', async () => {
    const { email, mail } = await signUpPending();
    const { id } = await userState({ email });
    for (const ticket of [`unknown:${randomUUID()}`, `mfaTotp:${randomUUID()}`, '123456', mail.ticket.replace('verifyEmail:', 'VerifyEmail:')]) {
      expectErrorRedirect(await verify({ ticket, redirectTo: CLIENT_URL }), CLIENT_URL, 'invalid-ticket');
      expect((await userState({ id })).ticket, ticket).toBe(mail.ticket);
    }
    expect(locationOf(await openLink(mail.link)).searchParams.get('type')).toBe('verifyEmail');
  });

  it('leaves a stored mfaTotp ticket in place even when the link names it exactly', async () => {
    const user = await createSignedInUser(t);
    const ticket = `mfaTotp:${randomUUID()}`;
    await setTicket(user.id, ticket);
    expectErrorRedirect(await verify({ ticket, redirectTo: CLIENT_URL }), CLIENT_URL, 'invalid-ticket');
    expect((await userState({ id: user.id })).ticket).toBe(ticket);
  });

  it('spends a stored otp: ticket and answers invalid-request', async () => {
    const user = await createSignedInUser(t);
    const ticket = `otp:${randomUUID()}`;
    await setTicket(user.id, ticket);
    expectErrorRedirect(await verify({ ticket, redirectTo: CLIENT_URL }), CLIENT_URL, 'invalid-request');
    expect((await userState({ id: user.id })).ticket).toBeNull();
    expect(await refreshTokenRows(t, user.id)).toHaveLength(1);
  });

  it('refuses an unknown ticket of a known kind with invalid-ticket', async () => {
    const url = expectErrorRedirect(await verify({ ticket: `passwordReset:${randomUUID()}`, redirectTo: CLIENT_URL }), CLIENT_URL, 'invalid-ticket');
    expect(Object.keys(queryOf(url))).toEqual(['error', 'errorDescription']);
  });

  it('refuses an expired verification ticket with invalid-ticket', async () => {
    const { email, mail } = await signUpPending();
    t.clock.advance(30 * DAY_MS + 1000);
    expectErrorRedirect(await openLink(mail.link), CLIENT_URL, 'invalid-ticket');
    expect((await userState({ email })).email_verified).toBe(false);
  });

  it('accepts a password-reset ticket until its hour is over', async () => {
    const user = await createSignedInUser(t);
    expect((await t.request('POST', '/user/password/reset', { body: { email: user.email } })).status).toBe(200);
    const first = t.mailbox.last(user.email);
    t.clock.advance(HOUR_MS - 1000);
    expect(locationOf(await openLink(first.link)).searchParams.get('type')).toBe('passwordReset');

    expect((await t.request('POST', '/user/password/reset', { body: { email: user.email } })).status).toBe(200);
    const second = t.mailbox.last(user.email);
    expect(second.ticket).not.toBe(first.ticket);
    t.clock.advance(HOUR_MS + 1000);
    expectErrorRedirect(await openLink(second.link), CLIENT_URL, 'invalid-ticket');
  });

  it('refuses a replayed link with invalid-ticket', async () => {
    const { email, mail } = await signUpPending();
    const first = locationOf(await openLink(mail.link));
    expect(first.searchParams.get('type')).toBe('verifyEmail');
    const { id } = await userState({ email });
    expectErrorRedirect(await openLink(mail.link), CLIENT_URL, 'invalid-ticket');
    expect(await refreshTokenRows(t, id)).toHaveLength(1);
  });

  it('refuses a disabled user with disabled-user, and the ticket is spent', async () => {
    const { email, mail } = await signUpPending();
    await t.db.query('UPDATE auth.users SET disabled = true WHERE email = $1', [email]);
    expectErrorRedirect(await openLink(mail.link), CLIENT_URL, 'disabled-user');
    const user = await userState({ email });
    expect(user).toMatchObject({ ticket: null, email_verified: false });
    expect(await refreshTokenRows(t, user.id)).toEqual([]);
    await t.db.query('UPDATE auth.users SET disabled = false WHERE email = $1', [email]);
    expectErrorRedirect(await openLink(mail.link), CLIENT_URL, 'invalid-ticket');
  });

  it('refuses a password-reset ticket of an unverified user with unverified-user, and the ticket is spent', async () => {
    const { email } = await signUpPending();
    const { id } = await userState({ email });
    const ticket = `passwordReset:${randomUUID()}`;
    await setTicket(id, ticket);
    expectErrorRedirect(await verify({ ticket, redirectTo: CLIENT_URL, type: 'passwordReset' }), CLIENT_URL, 'unverified-user');
    expect(await userState({ id })).toMatchObject({ ticket: null, email_verified: false });
    expect(await refreshTokenRows(t, id)).toEqual([]);
  });

  it('applies V-USER in full to an emailConfirmChange ticket: an unverified account gets unverified-user', async () => {
    const user = await createSignedInUser(t);
    const newEmail = uniqueEmail('unverified-change');
    expect((await t.request('POST', '/user/email/change', { token: user.session.accessToken, body: { newEmail } })).status).toBe(200);
    await t.db.query('UPDATE auth.users SET email_verified = false WHERE id = $1', [user.id]);
    expectErrorRedirect(await openLink(t.mailbox.last(newEmail).link), CLIENT_URL, 'unverified-user');
    expect(await userState({ id: user.id })).toMatchObject({ email: user.email, new_email: newEmail, ticket: null });
  });

  it('refuses an address change to an address taken meanwhile with email-already-in-use', async () => {
    const user = await createSignedInUser(t);
    const newEmail = uniqueEmail('contested');
    expect((await t.request('POST', '/user/email/change', { token: user.session.accessToken, body: { newEmail } })).status).toBe(200);
    const mail = t.mailbox.last(newEmail);
    // Someone else signs up with the address before the link is opened.
    const other = await t.request('POST', '/signup/email-password', { body: { email: newEmail, password: TEST_PASSWORD } });
    expect(other.status).toBe(200);

    expectErrorRedirect(await openLink(mail.link), CLIENT_URL, 'email-already-in-use');
    expect(await userState({ id: user.id })).toMatchObject({ email: user.email, email_verified: true, ticket: null });
    expect(await refreshTokenRows(t, user.id)).toHaveLength(1); // only the sign-in session
  });
});
