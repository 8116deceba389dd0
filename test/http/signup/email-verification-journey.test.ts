import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLIENT_URL, startTestApp, uniqueEmail, type TestApp } from '../../support/app.js';

// The whole verification journey through a real SMTP server: sign up, receive the e-mail, open
// its link, exchange the refresh token, sign in.

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp({ env: { AUTH_SMTP_SENDER: 'Latchkey <no-reply@example.org>' } });
});
afterAll(() => t?.close());

describe('sign-up with e-mail verification', () => {
  it('sends a verification link that verifies the address and signs the user in', async () => {
    const email = uniqueEmail('journey');
    const signUp = await t.request('POST', '/signup/email-password', { body: { email, password: 'correct-horse', options: { displayName: 'Ada' } } });
    expect(signUp.status).toBe(200);
    expect(signUp.body).toEqual({});

    const refused = await t.request('POST', '/signin/email-password', { body: { email, password: 'correct-horse' } });
    expect(refused.body).toMatchObject({ error: 'unverified-user' });

    const mail = t.mailbox.last(email);
    expect(mail.template).toBe('email-verify');
    expect(mail.ticket).toMatch(/^verifyEmail:[0-9a-f-]{36}$/);
    expect(mail.redirectTo).toBe(CLIENT_URL);
    expect(mail.envelope.mailFrom).toBe('no-reply@example.org');
    expect(mail.html).toContain(mail.link);
    const link = new URL(mail.link);
    expect(`${link.origin}${link.pathname}`).toBe(`${t.config.server.serverUrl}/verify`);
    expect(link.searchParams.get('type')).toBe('emailVerify');

    const verify = await fetch(`${t.baseUrl}/verify${link.search}`, { redirect: 'manual' });
    expect(verify.status).toBe(302);
    const location = new URL(verify.headers.get('location')!);
    expect(location.origin).toBe(CLIENT_URL);
    expect(location.searchParams.get('type')).toBe('verifyEmail');
    const refreshToken = location.searchParams.get('refreshToken')!;
    const refreshed = await t.request('POST', '/token', { body: { refreshToken } });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.user.emailVerified).toBe(true);

    const signIn = await t.request('POST', '/signin/email-password', { body: { email, password: 'correct-horse' } });
    expect(signIn.status).toBe(200);
    expect(signIn.body.session.user.email).toBe(email);

    const again = await fetch(`${t.baseUrl}/verify${link.search}`, { redirect: 'manual' });
    expect(new URL(again.headers.get('location')!).searchParams.get('error')).toBe('invalid-ticket');
  });
});
