import { createHash } from 'node:crypto';
import * as nhostAuth from '@nhost/nhost-js/auth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLIENT_URL, expectContract, startTestApp, uniqueEmail, type TestApp } from '../../support/app.js';
import type { CapturedMail } from '../../support/mailbox.js';
import { createSdk, sdkFailure, sdkResponse, storedSession, type SdkHarness } from '../../support/sdk.js';

// The official client (@nhost/nhost-js 4.x) through the e-mail journeys, with the mail read from a
// real SMTP server: magic link (with and without PKCE), password reset and sign-up verification.
// The e-mailed links point at AUTH_SERVER_URL, which is not this app's address (the port is only
// known once it listens), so each link is opened on this app with the SDK's own verifyTicketURL,
// built from the link's query parameters.

const ENV = {
  AUTH_API_PREFIX: '/v1',
  AUTH_EMAIL_PASSWORDLESS_ENABLED: 'true',
  // E-mail verification stays required (the default): journey (d) depends on it.
};
const PASSWORD = 'sdk-Passw0rd!';
const NEW_PASSWORD = 'sdk-N3w-Passw0rd!';

// `export * from './pkce'` in the SDK's declarations has no extension, which NodeNext resolution
// cannot follow (see test/support/sdk.ts), so the PKCE helper's type is spelled out here.
const { generatePKCEPair } = nhostAuth as unknown as { generatePKCEPair(): Promise<{ verifier: string; challenge: string }> };

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ env: ENV });
});
afterAll(() => t?.close());

/** Opens the mail's link as the browser would, via the SDK's URL builder; returns the redirect target. */
async function openLink(sdk: SdkHarness, mail: CapturedMail): Promise<URL> {
  const params = Object.fromEntries(new URL(mail.link).searchParams);
  const url: string = sdk.nhost.auth.verifyTicketURL(params);
  expect(url.startsWith(`${t.baseUrl}/verify?`)).toBe(true);
  const res = await fetch(url, { redirect: 'manual' });
  expect(res.status).toBe(302);
  return new URL(res.headers.get('location')!);
}

/** Takes over the session behind a refresh token from a redirect, as an app does after a link. */
async function adoptRefreshToken(sdk: SdkHarness, location: URL): Promise<void> {
  const refreshToken = location.searchParams.get('refreshToken');
  expect(refreshToken, `no refreshToken in ${location.href}`).toBeTruthy();
  const res = await sdk.nhost.auth.refreshToken({ refreshToken: refreshToken! });
  expectContract('refreshToken', sdkResponse(res));
  // The SDK stores a /token answer that carries the user.
  expect(storedSession(sdk).refreshToken).toBe(res.body.refreshToken);
}

async function userState(email: string): Promise<{ email_verified: boolean; ticket: string | null } | undefined> {
  const r = await t.db.query<{ email_verified: boolean; ticket: string | null }>('SELECT email_verified, ticket FROM auth.users WHERE email = $1', [email]);
  return r.rows[0];
}

describe('@nhost/nhost-js e-mail journeys against Latchkey', () => {
  it('signs in with a magic link: mail, link, refresh token adopted by the SDK, then getUser', async () => {
    const sdk = createSdk(t.baseUrl);
    const email = uniqueEmail('sdk-magic');
    const redirectTo = `${CLIENT_URL}/welcome`;

    const res = await sdk.nhost.auth.signInPasswordlessEmail({ email, options: { redirectTo, displayName: 'Magic User' } });

    expect(res.body).toBe('OK');
    expectContract('signInPasswordlessEmail', sdkResponse(res));
    expect(sdk.calls[0]).toMatchObject({ method: 'POST', path: '/v1/signin/passwordless/email', status: 200 });
    expect(sdk.nhost.getUserSession()).toBeNull();
    const mail = t.mailbox.last(email);
    expect(mail.template).toBe('signin-passwordless');
    expect(mail.redirectTo).toBe(redirectTo);

    const location = await openLink(sdk, mail);
    expect(`${location.origin}${location.pathname}`).toBe(redirectTo);
    expect(location.searchParams.get('type')).toBe('passwordlessEmail');
    await adoptRefreshToken(sdk, location);

    const user = await sdk.nhost.auth.getUser();
    expectContract('getUser', sdkResponse(user));
    expect(user.body).toMatchObject({ email, displayName: 'Magic User', emailVerified: true });
    expect(await userState(email)).toEqual({ email_verified: true, ticket: null });
  });

  it('signs in with a magic link under PKCE: the redirect carries a code that tokenExchange turns into a session', async () => {
    const sdk = createSdk(t.baseUrl);
    const email = uniqueEmail('sdk-pkce');
    const { verifier, challenge } = await generatePKCEPair();
    // The SDK's S256 challenge, computed independently.
    expect(challenge).toBe(createHash('sha256').update(verifier).digest('base64url'));

    await sdk.nhost.auth.signInPasswordlessEmail({ email, codeChallenge: challenge });

    const mail = t.mailbox.last(email);
    expect(new URL(mail.link).searchParams.get('codeChallenge')).toBe(challenge);
    const location = await openLink(sdk, mail);
    expect(location.searchParams.get('type')).toBe('passwordlessEmail');
    expect(location.searchParams.has('refreshToken')).toBe(false);
    const code = location.searchParams.get('code')!;
    expect(code).toHaveLength(43);

    const exchanged = await sdk.nhost.auth.tokenExchange({ code, codeVerifier: verifier });

    expectContract('tokenExchange', sdkResponse(exchanged));
    const session = exchanged.body.session!;
    expect(session.user!.email).toBe(email);
    expect(storedSession(sdk).refreshToken).toBe(session.refreshToken);
    const user = await sdk.nhost.auth.getUser();
    expect(user.body).toMatchObject({ id: session.user!.id, emailVerified: true });

    const reused = await sdkFailure(sdk.nhost.auth.tokenExchange({ code, codeVerifier: verifier }));
    expect(reused.error.status).toBe(400);
    expect(reused.error.body).toMatchObject({ error: 'invalid-request' });
  });

  it('resets a password: mail, link, session, changeUserPassword, then signInEmailPassword with the new password', async () => {
    const email = uniqueEmail('sdk-reset');
    await createSdk(t.baseUrl).nhost.auth.signUpEmailPassword({ email, password: PASSWORD });
    await t.db.query('UPDATE auth.users SET email_verified = true WHERE email = $1', [email]);
    const sdk = createSdk(t.baseUrl);
    const redirectTo = `${CLIENT_URL}/reset-password`;

    const res = await sdk.nhost.auth.sendPasswordResetEmail({ email, options: { redirectTo } });

    expect(res.body).toBe('OK');
    expectContract('sendPasswordResetEmail', sdkResponse(res));
    const mail = t.mailbox.last(email);
    expect(mail.template).toBe('password-reset');
    const location = await openLink(sdk, mail);
    expect(`${location.origin}${location.pathname}`).toBe(redirectTo);
    expect(location.searchParams.get('type')).toBe('passwordReset');
    await adoptRefreshToken(sdk, location);

    const changed = await sdk.nhost.auth.changeUserPassword({ newPassword: NEW_PASSWORD });

    expect(changed.body).toBe('OK');
    expectContract('changeUserPassword', sdkResponse(changed));
    const fresh = createSdk(t.baseUrl);
    const refused = await sdkFailure(fresh.nhost.auth.signInEmailPassword({ email, password: PASSWORD }));
    expect(refused.error.status).toBe(401);
    expect(refused.error.body).toMatchObject({ error: 'invalid-email-password' });
    const signedIn = await fresh.nhost.auth.signInEmailPassword({ email, password: NEW_PASSWORD });
    expect(signedIn.body.session!.user!.email).toBe(email);
    expect(storedSession(fresh).refreshToken).toBe(signedIn.body.session!.refreshToken);
  });

  it('verifies a sign-up: signUpEmailPassword, sendVerificationEmail, the newest link, then signInEmailPassword', async () => {
    const sdk = createSdk(t.baseUrl);
    const email = uniqueEmail('sdk-verify');

    const signUp = await sdk.nhost.auth.signUpEmailPassword({ email, password: PASSWORD, options: { displayName: 'Verify Me' } });

    expectContract('signUpEmailPassword', sdkResponse(signUp));
    expect(signUp.body.session ?? null).toBeNull();
    expect(sdk.nhost.getUserSession()).toBeNull();
    const first = t.mailbox.last(email);
    expect(first.template).toBe('email-verify');
    const unverified = await sdkFailure(sdk.nhost.auth.signInEmailPassword({ email, password: PASSWORD }));
    expect(unverified.error.status).toBe(401);
    expect(unverified.error.body).toMatchObject({ error: 'unverified-user' });

    const resent = await sdk.nhost.auth.sendVerificationEmail({ email });

    expect(resent.body).toBe('OK');
    expectContract('sendVerificationEmail', sdkResponse(resent));
    const second = t.mailbox.last(email);
    expect(second.template).toBe('email-verify');
    expect(second.ticket).not.toBe(first.ticket);
    // The resend replaced the first ticket.
    expect((await openLink(sdk, first)).searchParams.get('error')).toBe('invalid-ticket');
    const location = await openLink(sdk, second);
    expect(location.searchParams.get('type')).toBe('verifyEmail');
    expect(location.searchParams.get('refreshToken')).toBeTruthy();
    expect(await userState(email)).toEqual({ email_verified: true, ticket: null });

    const signedIn = await sdk.nhost.auth.signInEmailPassword({ email, password: PASSWORD });

    expectContract('signInEmailPassword', sdkResponse(signedIn));
    expect(signedIn.body.session!.user).toMatchObject({ email, displayName: 'Verify Me', emailVerified: true });
    expect(storedSession(sdk).refreshToken).toBe(signedIn.body.session!.refreshToken);
    const user = await sdk.nhost.auth.getUser();
    expect(user.body.emailVerified).toBe(true);
  });
});
