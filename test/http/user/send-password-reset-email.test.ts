import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLIENT_URL, expectContract, expectError, startTestApp, uniqueEmail, type ApiResponse, type TestApp } from '../../support/app.js';
import { followLink } from '../../support/mail-links.js';
import { UUID_PATTERN, bcryptHash, insertPasswordUser } from '../../support/email-password.js';
import type { CapturedMail } from '../../support/mailbox.js';
import { createSignedInUser, refresh, signIn, TEST_PASSWORD } from '../../support/sessions.js';

// The password-reset e-mail through a real SMTP server, and both ways to finish it: the link
// (`GET /verify`, then `POST /user/password` with the new session) and the ticket alone
// (`POST /user/password` in ticket mode).

const NEW_PASSWORD = 'a-brand-new-password-456';
const HOUR_MS = 60 * 60 * 1000;
const RESET_TICKET = new RegExp(`^passwordReset:${UUID_PATTERN}$`);
const ES_SUBJECT = readFileSync(new URL('../../../email-templates/es/password-reset/subject.txt', import.meta.url), 'utf8').trim();

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp({
    env: { AUTH_LOCALE_ALLOWED_LOCALES: 'en,es', AUTH_ACCESS_CONTROL_BLOCKED_EMAIL_DOMAINS: 'blocked.example' },
  });
});
afterAll(() => t?.close());

function requestReset(email: string, extra: Record<string, unknown> = {}): Promise<ApiResponse> {
  return t.request('POST', '/user/password/reset', { body: { email, ...extra } });
}

function expectOk(res: ApiResponse): void {
  expect(res.status, res.text).toBe(200);
  expect(res.text).toBe('"OK"');
  expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
  expectContract('sendPasswordResetEmail', res);
}

function resetMails(address: string): CapturedMail[] {
  return t.mailbox.to(address).filter((m) => m.template === 'password-reset');
}

interface TicketState {
  ticket: string | null;
  expiresAt: number;
}

async function ticketOf(userId: string): Promise<TicketState> {
  const r = await t.db.query<{ ticket: string | null; ticket_expires_at: Date }>('SELECT ticket, ticket_expires_at FROM auth.users WHERE id = $1', [userId]);
  return { ticket: r.rows[0]!.ticket, expiresAt: new Date(r.rows[0]!.ticket_expires_at).getTime() };
}

async function userIdOf(email: string): Promise<string> {
  const r = await t.db.query<{ id: string }>('SELECT id FROM auth.users WHERE email = $1', [email]);
  return r.rows[0]!.id;
}

function setPasswordWithTicket(ticket: string, newPassword = NEW_PASSWORD): Promise<ApiResponse> {
  return t.request('POST', '/user/password', { body: { newPassword, ticket } });
}

async function expectPassword(email: string, works: string, fails: string): Promise<void> {
  const good = await t.request('POST', '/signin/email-password', { body: { email, password: works } });
  expect(good.status, good.text).toBe(200);
  const bad = await t.request('POST', '/signin/email-password', { body: { email, password: fails } });
  expectError(bad, 401, 'invalid-email-password');
}

describe('POST /user/password/reset for an eligible user', () => {
  it("mails a password-reset link to the address as typed, in the user's locale, and stores a one-hour ticket", async () => {
    const user = await createSignedInUser(t, { signUpOptions: { locale: 'es', displayName: 'Ada Lovelace' } });
    // The local part keeps the case as typed; the mail library lower-cases the domain (case-insensitive in SMTP).
    const typed = user.email.replace(/^[^@]+/, (local) => local.toUpperCase());
    expect(typed).not.toBe(user.email);

    expectOk(await requestReset(typed));

    const mails = resetMails(user.email);
    expect(mails).toHaveLength(1);
    const mail = mails[0]!;
    expect(mail.envelope.rcptTo).toEqual([typed]);
    expect(mail.to).toEqual([typed]);
    expect(mail.subject).toBe(ES_SUBJECT);
    expect(mail.html).toContain('Ada Lovelace');
    expect(mail.html).toContain(typed);
    expect(mail.redirectTo).toBe(CLIENT_URL);
    expect(mail.ticket).toMatch(RESET_TICKET);

    const link = new URL(mail.link);
    expect(`${link.origin}${link.pathname}`).toBe(`${t.config.server.serverUrl}/verify`);
    expect(link.searchParams.get('type')).toBe('passwordReset');
    expect(link.searchParams.get('ticket')).toBe(mail.ticket);
    expect(link.searchParams.get('redirectTo')).toBe(CLIENT_URL);
    expect(link.searchParams.has('codeChallenge')).toBe(false);

    expect(await ticketOf(user.id)).toEqual({ ticket: mail.ticket, expiresAt: t.clock.now().getTime() + HOUR_MS });
  });

  it('carries the codeChallenge in the link, which then finishes with a one-time code', async () => {
    const user = await createSignedInUser(t);
    const codeVerifier = randomBytes(32).toString('base64url');
    const codeChallenge = createHash('sha256').update(codeVerifier).digest('base64url');
    const redirectTo = `${CLIENT_URL}/reset-password?from=mail`;

    expectOk(await requestReset(user.email, { options: { redirectTo }, codeChallenge }));
    const mail = t.mailbox.last(user.email);
    expect(mail.template).toBe('password-reset');
    expect(mail.redirectTo).toBe(redirectTo);
    const link = new URL(mail.link);
    expect(link.searchParams.get('codeChallenge')).toBe(codeChallenge);
    expect(link.searchParams.get('redirectTo')).toBe(redirectTo);

    const location = await followLink(t, mail);
    expect(`${location.origin}${location.pathname}`).toBe(`${CLIENT_URL}/reset-password`);
    expect(location.searchParams.get('from')).toBe('mail');
    expect(location.searchParams.get('type')).toBe('passwordReset');
    expect(location.searchParams.has('refreshToken')).toBe(false);
    const code = location.searchParams.get('code')!;
    expect(code).toHaveLength(43);

    const exchanged = await t.request('POST', '/token/exchange', { body: { code, codeVerifier } });
    expect(exchanged.status, exchanged.text).toBe(200);
    expect(exchanged.body.session.user.id).toBe(user.id);
  });

  it('refuses a redirectTo outside the allow list with redirectTo-not-allowed, before looking at the address', async () => {
    const user = await createSignedInUser(t);
    const before = await ticketOf(user.id);
    const options = { redirectTo: 'https://evil.example/steal' };

    const res = await requestReset(user.email, { options });
    expectError(res, 400, 'redirectTo-not-allowed');
    expectContract('sendPasswordResetEmail', res);
    expect(resetMails(user.email)).toEqual([]);
    expect(await ticketOf(user.id)).toEqual(before);

    expectError(await requestReset(uniqueEmail('nobody'), { options }), 400, 'redirectTo-not-allowed');
  });

  it('replaces the previous ticket when the reset is requested again', async () => {
    const user = await createSignedInUser(t);
    expectOk(await requestReset(user.email));
    const first = t.mailbox.last(user.email).ticket;
    expectOk(await requestReset(user.email));
    const second = t.mailbox.last(user.email).ticket;

    expect(resetMails(user.email)).toHaveLength(2);
    expect(second).toMatch(RESET_TICKET);
    expect(second).not.toBe(first);
    expect((await ticketOf(user.id)).ticket).toBe(second);
    expectError(await setPasswordWithTicket(first), 401, 'invalid-ticket');
    expect((await setPasswordWithTicket(second)).status).toBe(200);
    await expectPassword(user.email, NEW_PASSWORD, user.password);
  });
});

describe('POST /user/password/reset for an address that gets no e-mail', () => {
  // Each case must be indistinguishable from a real send (the response reveals no account).
  it('answers "OK" for an unknown address and sends nothing', async () => {
    const email = uniqueEmail('unknown');
    expectOk(await requestReset(email));
    expect(t.mailbox.to(email)).toEqual([]);
  });

  it('answers "OK" for an address the block list refuses, sends nothing and leaves the ticket alone', async () => {
    const email = `reset-${Date.now().toString(36)}@blocked.example`;
    const id = await insertPasswordUser(t.db, { email, passwordHash: bcryptHash(TEST_PASSWORD, '$2b$'), emailVerified: true });
    const before = await ticketOf(id);
    expectOk(await requestReset(email));
    expect(t.mailbox.to(email)).toEqual([]);
    expect(await ticketOf(id)).toEqual(before);
  });

  it('answers "OK" for a disabled user, sends nothing and leaves the ticket alone', async () => {
    const user = await createSignedInUser(t);
    await t.db.query('UPDATE auth.users SET disabled = true WHERE id = $1', [user.id]);
    const before = await ticketOf(user.id);
    expectOk(await requestReset(user.email));
    expect(resetMails(user.email)).toEqual([]);
    expect(await ticketOf(user.id)).toEqual(before);
  });

  it('answers "OK" for an unverified user when verification is required, sends nothing and keeps the verification ticket', async () => {
    const email = uniqueEmail('unverified');
    const signUp = await t.request('POST', '/signup/email-password', { body: { email, password: TEST_PASSWORD } });
    expect(signUp.status, signUp.text).toBe(200);
    const id = await userIdOf(email);
    const before = await ticketOf(id);
    expect(before.ticket).toMatch(/^verifyEmail:/);

    expectOk(await requestReset(email));
    expect(resetMails(email)).toEqual([]);
    expect(await ticketOf(id)).toEqual(before);
  });
});

describe('finishing a password reset', () => {
  it('follows the link to a session whose access token sets the new password', async () => {
    const user = await createSignedInUser(t);
    expectOk(await requestReset(user.email));
    const mail = t.mailbox.last(user.email);

    const location = await followLink(t, mail);
    expect(location.origin).toBe(CLIENT_URL);
    expect(location.searchParams.get('type')).toBe('passwordReset');
    expect(location.searchParams.has('error')).toBe(false);
    expect((await ticketOf(user.id)).ticket).toBeNull();

    const refreshed = await refresh(t, location.searchParams.get('refreshToken')!);
    expect(refreshed.status, refreshed.text).toBe(200);
    expect(refreshed.body.user.id).toBe(user.id);

    const changed = await t.request('POST', '/user/password', { token: refreshed.body.accessToken, body: { newPassword: NEW_PASSWORD } });
    expect(changed.status, changed.text).toBe(200);
    expect(changed.text).toBe('"OK"');
    await expectPassword(user.email, NEW_PASSWORD, user.password);
  });

  it('sets the password with the ticket alone and revokes the refresh tokens the user held before', async () => {
    const user = await createSignedInUser(t);
    const otherDevice = await signIn(t, user.email, user.password);
    expectOk(await requestReset(user.email));
    const { ticket } = t.mailbox.last(user.email);

    const res = await setPasswordWithTicket(ticket);
    expect(res.status, res.text).toBe(200);
    expect(res.text).toBe('"OK"');
    await expectPassword(user.email, NEW_PASSWORD, user.password);
    // Beyond the reference: whoever knew the old password may hold a refresh token too.
    expectError(await refresh(t, user.session.refreshToken), 401, 'invalid-refresh-token');
    expectError(await refresh(t, otherDevice.refreshToken), 401, 'invalid-refresh-token');
  });

  it('accepts a ticket once, whichever way it is spent', async () => {
    const viaTicket = await createSignedInUser(t);
    expectOk(await requestReset(viaTicket.email));
    const first = t.mailbox.last(viaTicket.email);
    expect((await setPasswordWithTicket(first.ticket)).status).toBe(200);
    expectError(await setPasswordWithTicket(first.ticket, 'yet-another-password'), 401, 'invalid-ticket');
    expect((await followLink(t, first)).searchParams.get('error')).toBe('invalid-ticket');
    await expectPassword(viaTicket.email, NEW_PASSWORD, 'yet-another-password');

    const viaLink = await createSignedInUser(t);
    expectOk(await requestReset(viaLink.email));
    const second = t.mailbox.last(viaLink.email);
    expect((await followLink(t, second)).searchParams.get('type')).toBe('passwordReset');
    expectError(await setPasswordWithTicket(second.ticket), 401, 'invalid-ticket');
    await expectPassword(viaLink.email, viaLink.password, NEW_PASSWORD);
  });

  it('refuses a ticket older than an hour with invalid-ticket, by either way', async () => {
    const user = await createSignedInUser(t);
    expectOk(await requestReset(user.email));
    const mail = t.mailbox.last(user.email);
    t.clock.advance(61 * 60 * 1000);

    const res = await setPasswordWithTicket(mail.ticket);
    expectError(res, 401, 'invalid-ticket');
    expectContract('changeUserPassword', res);
    expect((await followLink(t, mail)).searchParams.get('error')).toBe('invalid-ticket');
    await expectPassword(user.email, user.password, NEW_PASSWORD);
  });
});
