import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLIENT_URL, expectContract, expectError, send, startTestApp, uniqueEmail, type ApiResponse, type TestApp } from '../../support/app.js';
import { challengeOf, followLink } from '../../support/mail-links.js';
import { DAY_MS, UUID_PATTERN } from '../../support/email-password.js';
import type { CapturedMail } from '../../support/mailbox.js';
import { createSignedInUser, TEST_PASSWORD } from '../../support/sessions.js';

// POST /user/email/send-verification-email (API.md §3.6.4) through a real SMTP server: who gets a
// new verification link, what it carries, and that it replaces the previous one.

const APP_URL = 'https://app.example.org';
const VERIFY_TICKET = new RegExp(`^verifyEmail:${UUID_PATTERN}$`);
const FR_SUBJECT = readFileSync(new URL('../../../email-templates/fr/email-verify/subject.txt', import.meta.url), 'utf8').trim();
const EN_SUBJECT = readFileSync(new URL('../../../email-templates/en/email-verify/subject.txt', import.meta.url), 'utf8').trim();

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp({ env: { AUTH_LOCALE_ALLOWED_LOCALES: 'en,fr', AUTH_ACCESS_CONTROL_ALLOWED_REDIRECT_URLS: APP_URL } });
});
afterAll(() => t?.close());

function resend(email: string, extra: Record<string, unknown> = {}): Promise<ApiResponse> {
  return t.request('POST', '/user/email/send-verification-email', { body: { email, ...extra } });
}

function expectOk(res: ApiResponse): void {
  expect(res.status, res.text).toBe(200);
  expect(res.text).toBe('"OK"');
  expectContract('sendVerificationEmail', res);
}

function expectRefused(res: ApiResponse, status: number, code: string): void {
  expectError(res, status, code);
  expectContract('sendVerificationEmail', res);
}

function verifyMails(address: string): CapturedMail[] {
  return t.mailbox.to(address).filter((m) => m.template === 'email-verify');
}

/** Signs up (verification required); the sign-up's own verification mail is the first one. */
async function signUpPending(options: Record<string, unknown> = {}): Promise<{ id: string; email: string; mail: CapturedMail }> {
  const email = uniqueEmail('resend');
  const res = await t.request('POST', '/signup/email-password', { body: { email, password: TEST_PASSWORD, options } });
  expect(res.status, res.text).toBe(200);
  const r = await t.db.query<{ id: string }>('SELECT id FROM auth.users WHERE email = $1', [email]);
  return { id: r.rows[0]!.id, email, mail: t.mailbox.last(email) };
}

async function ticketOf(userId: string): Promise<{ ticket: string | null; expiresAt: number; emailVerified: boolean }> {
  const r = await t.db.query<{ ticket: string | null; ticket_expires_at: Date; email_verified: boolean }>(
    'SELECT ticket, ticket_expires_at, email_verified FROM auth.users WHERE id = $1',
    [userId],
  );
  const row = r.rows[0]!;
  return { ticket: row.ticket, expiresAt: new Date(row.ticket_expires_at).getTime(), emailVerified: row.email_verified };
}

describe('POST /user/email/send-verification-email refusals', () => {
  it('answers invalid-email-password for an unknown address, and sends nothing', async () => {
    const email = uniqueEmail('nobody');
    expectRefused(await resend(email), 401, 'invalid-email-password');
    expect(t.mailbox.to(email)).toEqual([]);
  });

  it('answers email-already-verified for a verified address', async () => {
    const user = await createSignedInUser(t);
    const before = await ticketOf(user.id);
    const mailCount = t.mailbox.to(user.email).length;
    expectRefused(await resend(user.email), 400, 'email-already-verified');
    expect(t.mailbox.to(user.email)).toHaveLength(mailCount);
    expect(await ticketOf(user.id)).toEqual(before);
  });

  it('answers disabled-user for a disabled account, and keeps its pending ticket', async () => {
    const { id, email, mail } = await signUpPending();
    await t.db.query('UPDATE auth.users SET disabled = true WHERE id = $1', [id]);
    expectRefused(await resend(email), 401, 'disabled-user');
    expect(verifyMails(email)).toHaveLength(1);
    expect((await ticketOf(id)).ticket).toBe(mail.ticket);
  });

  it('checks the account state before the verified flag: a disabled verified account gets disabled-user', async () => {
    const user = await createSignedInUser(t);
    await t.db.query('UPDATE auth.users SET disabled = true WHERE id = $1', [user.id]);
    expectRefused(await resend(user.email), 401, 'disabled-user');
  });

  it('refuses a redirectTo outside the allow-list with redirectTo-not-allowed, before looking at the address', async () => {
    const { id, email, mail } = await signUpPending();
    expectRefused(await resend(email, { options: { redirectTo: 'https://evil.example.net/' } }), 400, 'redirectTo-not-allowed');
    expect(verifyMails(email)).toHaveLength(1);
    expect((await ticketOf(id)).ticket).toBe(mail.ticket);
    expectRefused(await resend(uniqueEmail('nobody'), { options: { redirectTo: 'https://evil.example.net/' } }), 400, 'redirectTo-not-allowed');
  });

  it('refuses a malformed codeChallenge or an unknown field at the schema stage', async () => {
    const { email } = await signUpPending();
    for (const extra of [{ codeChallenge: 'short' }, { options: { redirectTo: CLIENT_URL, locale: 'fr' } }]) {
      const res = await resend(email, extra);
      expect(res.status, JSON.stringify(extra)).toBe(400);
      expect(Object.keys(res.body)).toEqual(['error']);
    }
    expect(verifyMails(email)).toHaveLength(1);
  });
});

describe('POST /user/email/send-verification-email for an unverified account', () => {
  it("answers OK and mails a new link to the stored address, in the user's locale, with a 30-day ticket", async () => {
    const { id, email } = await signUpPending({ locale: 'fr', displayName: 'Ada Lovelace' });
    const typed = email.replace(/^[^@]+/, (local) => local.toUpperCase());
    expect(typed).not.toBe(email);
    t.clock.advance(60_000);

    expectOk(await resend(typed));
    const mails = verifyMails(email);
    expect(mails).toHaveLength(2);
    const mail = mails[1]!;
    expect(mail.to).toEqual([email]);
    expect(mail.envelope.rcptTo).toEqual([email]);
    expect(mail.subject).toBe(FR_SUBJECT);
    expect(mail.subject).not.toBe(EN_SUBJECT);
    expect(mail.html).toContain('Ada Lovelace');
    expect(mail.html).toContain(email);
    expect(mail.ticket).toMatch(VERIFY_TICKET);
    expect(mail.redirectTo).toBe(CLIENT_URL);
    const stored = await ticketOf(id);
    expect(stored).toEqual({ ticket: mail.ticket, expiresAt: t.clock.now().getTime() + 30 * DAY_MS, emailVerified: false });

    const expectedLink = new URL(`${t.config.server.serverUrl}/verify`);
    expectedLink.search = new URLSearchParams([
      ['redirectTo', CLIENT_URL],
      ['ticket', mail.ticket],
      ['type', 'emailVerify'],
    ]).toString();
    expect(mail.link).toBe(expectedLink.href);
    expect(mail.html).toContain(mail.link);
  });

  it('replaces the previous ticket: the old link fails and the new one verifies the address', async () => {
    const { id, email, mail: first } = await signUpPending();
    expectOk(await resend(email));
    const second = t.mailbox.last(email);
    expect(second.ticket).not.toBe(first.ticket);
    expect((await ticketOf(id)).ticket).toBe(second.ticket);

    const old = await followLink(t, first);
    expect(old.searchParams.get('error')).toBe('invalid-ticket');
    expect((await ticketOf(id)).ticket).toBe(second.ticket);

    const fresh = await followLink(t, second);
    expect(fresh.searchParams.get('type')).toBe('verifyEmail');
    expect(fresh.searchParams.get('refreshToken')).toMatch(/\S/);
    expect(await ticketOf(id)).toMatchObject({ ticket: null, emailVerified: true });
    expectRefused(await resend(email), 400, 'email-already-verified');
  });

  it('carries an allowed redirectTo in X-Redirect-To and the link, and the link lands there', async () => {
    const { email } = await signUpPending();
    const redirectTo = `${APP_URL}/verified?from=mail#done`;
    expectOk(await resend(email, { options: { redirectTo } }));
    const mail = t.mailbox.last(email);
    expect(mail.redirectTo).toBe(redirectTo);
    expect(mail.headers['x-redirect-to']).toBe(redirectTo);
    expect(new URL(mail.link).searchParams.get('redirectTo')).toBe(redirectTo);
    const landing = await followLink(t, mail);
    expect(`${landing.origin}${landing.pathname}`).toBe(`${APP_URL}/verified`);
    expect(landing.searchParams.get('from')).toBe('mail');
    expect(landing.hash).toBe('#done');
    expect(landing.searchParams.get('type')).toBe('verifyEmail');
  });

  it('ignores the redirectTo given at sign-up: the default is the client URL', async () => {
    const { email, mail: first } = await signUpPending({ redirectTo: `${APP_URL}/from-sign-up` });
    expect(first.redirectTo).toBe(`${APP_URL}/from-sign-up`);
    expectOk(await resend(email));
    const mail = t.mailbox.last(email);
    expect(mail.redirectTo).toBe(CLIENT_URL);
    expect(new URL(mail.link).searchParams.get('redirectTo')).toBe(CLIENT_URL);
  });

  it('carries a codeChallenge in the link, which then ends in a code for /token/exchange', async () => {
    const { email } = await signUpPending();
    const verifier = randomBytes(32).toString('base64url');
    const codeChallenge = challengeOf(verifier);
    expectOk(await resend(email, { codeChallenge }));
    const mail = t.mailbox.last(email);
    const link = new URL(mail.link);
    expect([...link.searchParams.keys()]).toEqual(['codeChallenge', 'redirectTo', 'ticket', 'type']);
    expect(link.searchParams.get('codeChallenge')).toBe(codeChallenge);

    const landing = await followLink(t, mail);
    expect(landing.searchParams.has('refreshToken')).toBe(false);
    const code = landing.searchParams.get('code')!;
    const res = await t.request('POST', '/token/exchange', { body: { code, codeVerifier: verifier } });
    expect(res.status, res.text).toBe(200);
    expect(res.body.session.user).toMatchObject({ email, emailVerified: true });
  });

  it('sends no codeChallenge in the link when none is given', async () => {
    const { email } = await signUpPending();
    expectOk(await resend(email));
    expect(new URL(t.mailbox.last(email).link).searchParams.has('codeChallenge')).toBe(false);
  });
});
