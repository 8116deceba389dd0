import { createHash, randomBytes } from 'node:crypto';
import bcrypt from 'bcrypt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signAccessToken } from '../../../src/adapters/tokens/index.js';
import { CLIENT_URL, expectContract, expectError, uniqueEmail, type ApiResponse, type TestApp } from '../../support/app.js';
import { followLink } from '../../support/mail-links.js';
import {
  DAY_MS,
  UUID_PATTERN,
  expectSecurityFailure,
  insertPasswordUser,
  refreshTokensOf,
  rolesOf,
  signUpWithSession,
  startAppGroup,
  userRow,
  type AppGroup,
} from '../../support/email-password.js';

const PASSWORD = 'long-enough-password';

type Apps = 'lenient' | 'strict' | 'gated';

let g: AppGroup<Apps>;
let lenient: TestApp;
let strict: TestApp;

beforeAll(async () => {
  g = await startAppGroup<Apps>({
    lenient: {
      AUTH_ANONYMOUS_USERS_ENABLED: 'true',
      AUTH_EMAIL_SIGNIN_EMAIL_VERIFIED_REQUIRED: 'false',
      AUTH_PASSWORD_MIN_LENGTH: '8',
      AUTH_ACCESS_CONTROL_BLOCKED_EMAIL_DOMAINS: 'blocked.example',
      AUTH_USER_DEFAULT_ALLOWED_ROLES: 'me,editor',
      AUTH_LOCALE_ALLOWED_LOCALES: 'en,fr',
    },
    // E-mail verification required (the default).
    strict: { AUTH_ANONYMOUS_USERS_ENABLED: 'true' },
    // Neither gate applies to deanonymisation.
    gated: { AUTH_DISABLE_SIGNUP: 'true', AUTH_EMAIL_SIGNIN_EMAIL_VERIFIED_REQUIRED: 'false' },
  });
  ({ lenient, strict } = g.apps);
});
afterAll(() => g?.close());

interface AnonymousSession {
  accessToken: string;
  refreshToken: string;
  refreshTokenId: string;
  user: { id: string };
}

async function anonymousSession(t: TestApp = lenient): Promise<AnonymousSession> {
  const res = await t.request('POST', '/signin/anonymous');
  expect(res.status, res.text).toBe(200);
  return res.body.session;
}

function deanonymize(t: TestApp, token: string | undefined, body: Record<string, unknown>): Promise<ApiResponse> {
  return t.request('POST', '/user/deanonymize', { body, ...(token ? { token } : {}) });
}

function expectDeanonymizeError(res: ApiResponse, status: number, code: string): void {
  expectError(res, status, code);
  expectContract('deanonymizeUser', res);
}

function expectOk(res: ApiResponse): void {
  expect(res.status, res.text).toBe(200);
  expect(res.text).toBe('"OK"');
  expectContract('deanonymizeUser', res);
}

async function expectStillAnonymous(userId: string): Promise<void> {
  const row = (await userRow(g.db, { id: userId }))!;
  expect(row).toMatchObject({ is_anonymous: true, email: null, password_hash: null, default_role: 'anonymous' });
  expect(await rolesOf(g.db, userId)).toEqual(['anonymous']);
}

describe('POST /user/deanonymize refusals', () => {
  it('refuses a request without a valid bearer token at the security stage', async () => {
    const body = { signInMethod: 'email-password', email: uniqueEmail('no-token'), password: PASSWORD };
    expectSecurityFailure(await deanonymize(lenient, undefined, body));
    expectSecurityFailure(await deanonymize(lenient, 'not-a-jwt', body));
  });

  it('answers user-not-anonymous for a regular user', async () => {
    const s = await signUpWithSession(lenient, uniqueEmail('regular'), PASSWORD);
    const res = await deanonymize(lenient, s.accessToken, { signInMethod: 'email-password', email: uniqueEmail('other'), password: PASSWORD });
    expectDeanonymizeError(res, 400, 'user-not-anonymous');
  });

  it('answers invalid-request when the token user id is not a UUID', async () => {
    const token = await signAccessToken(lenient.app.deps().keys, {
      userId: 'not-a-uuid',
      defaultRole: 'anonymous',
      allowedRoles: ['anonymous'],
      isAnonymous: true,
      expiresInSeconds: 900,
      now: g.clock.now(),
    });
    const res = await deanonymize(lenient, token, { signInMethod: 'email-password', email: uniqueEmail('bad-id'), password: PASSWORD });
    expectDeanonymizeError(res, 400, 'invalid-request');
  });

  it('answers invalid-request for email-password without a password', async () => {
    const s = await anonymousSession();
    const res = await deanonymize(lenient, s.accessToken, { signInMethod: 'email-password', email: uniqueEmail('no-password') });
    expectDeanonymizeError(res, 400, 'invalid-request');
    await expectStillAnonymous(s.user.id);
  });

  it('answers password-too-short below the minimum length', async () => {
    const s = await anonymousSession();
    const res = await deanonymize(lenient, s.accessToken, { signInMethod: 'email-password', email: uniqueEmail('short'), password: '1234567' });
    expectDeanonymizeError(res, 400, 'password-too-short');
    await expectStillAnonymous(s.user.id);
  });

  it.each([
    ['redirectTo-not-allowed', { redirectTo: 'https://evil.example.net' }],
    ['role-not-allowed', { allowedRoles: ['admin'] }],
    ['default-role-must-be-in-allowed-roles', { allowedRoles: ['me'], defaultRole: 'editor' }],
    ['default-role-must-be-in-allowed-roles', { allowedRoles: [] }],
  ])('answers %s for options %j', async (code, options) => {
    const s = await anonymousSession();
    const res = await deanonymize(lenient, s.accessToken, { signInMethod: 'email-password', email: uniqueEmail('options'), password: PASSWORD, options });
    expectDeanonymizeError(res, 400, code);
    await expectStillAnonymous(s.user.id);
  });

  it('refuses an address blocked by access control', async () => {
    const s = await anonymousSession();
    const res = await deanonymize(lenient, s.accessToken, { signInMethod: 'email-password', email: 'someone@blocked.example', password: PASSWORD });
    expectDeanonymizeError(res, 401, 'invalid-email-password');
    await expectStillAnonymous(s.user.id);
  });

  it('refuses an e-mail already in use, whatever its case', async () => {
    const email = uniqueEmail('taken');
    await signUpWithSession(lenient, email, PASSWORD);
    const s = await anonymousSession();
    for (const again of [email, email.toUpperCase()]) {
      const res = await deanonymize(lenient, s.accessToken, { signInMethod: 'email-password', email: again, password: PASSWORD });
      expectDeanonymizeError(res, 409, 'email-already-in-use');
    }
    const passwordless = await deanonymize(lenient, s.accessToken, { signInMethod: 'passwordless', email });
    expectDeanonymizeError(passwordless, 409, 'email-already-in-use');
    await expectStillAnonymous(s.user.id);
  });

  it('checks password, then options, then access control, then e-mail in use', async () => {
    const s = await anonymousSession();
    const badOptions = { redirectTo: 'https://evil.example.net' };
    const blockedAndTaken = `${uniqueEmail('taken').split('@')[0]}@blocked.example`;
    await insertPasswordUser(g.db, { email: blockedAndTaken, passwordHash: null });

    const noPassword = await deanonymize(lenient, s.accessToken, { signInMethod: 'email-password', email: blockedAndTaken, options: badOptions });
    expectDeanonymizeError(noPassword, 400, 'invalid-request');
    const shortPassword = await deanonymize(lenient, s.accessToken, { signInMethod: 'email-password', email: blockedAndTaken, password: 'short', options: badOptions });
    expectDeanonymizeError(shortPassword, 400, 'password-too-short');
    const options = await deanonymize(lenient, s.accessToken, { signInMethod: 'email-password', email: blockedAndTaken, password: PASSWORD, options: badOptions });
    expectDeanonymizeError(options, 400, 'redirectTo-not-allowed');
    const blocked = await deanonymize(lenient, s.accessToken, { signInMethod: 'email-password', email: blockedAndTaken, password: PASSWORD });
    expectDeanonymizeError(blocked, 401, 'invalid-email-password');
  });
});

describe('POST /user/deanonymize with email-password, verification not required', () => {
  it('converts the user with the options given and keeps its refresh tokens', async () => {
    const s = await anonymousSession();
    const second = await lenient.request('POST', '/token', { body: { refreshToken: s.refreshToken } });
    expect(second.status).toBe(200);
    const email = uniqueEmail('converted');
    const metadata = { converted: true };
    const res = await deanonymize(lenient, s.accessToken, {
      signInMethod: 'email-password',
      email,
      password: PASSWORD,
      connection: 'ignored',
      options: { allowedRoles: ['editor', 'user'], defaultRole: 'editor', displayName: 'Converted User', locale: 'fr', metadata, redirectTo: 'http://localhost:3000/done' },
    });
    expectOk(res);

    const row = (await userRow(g.db, { id: s.user.id }))!;
    expect(row).toMatchObject({
      is_anonymous: false,
      email,
      email_verified: false,
      default_role: 'editor',
      display_name: 'Converted User',
      locale: 'fr',
      metadata,
      ticket: '',
    });
    expect(bcrypt.compareSync(PASSWORD, row.password_hash!)).toBe(true);
    expect(await rolesOf(g.db, s.user.id)).toEqual(['editor', 'user']);
    expect((await refreshTokensOf(g.db, s.user.id)).map((t) => t.id)).toEqual([s.refreshTokenId]);

    // The kept refresh token now yields the converted user.
    const refreshed = await lenient.request('POST', '/token', { body: { refreshToken: second.body.refreshToken } });
    expect(refreshed.status, refreshed.text).toBe(200);
    expect(refreshed.body.user).toMatchObject({ id: s.user.id, isAnonymous: false, email, defaultRole: 'editor' });

    const signIn = await lenient.request('POST', '/signin/email-password', { body: { email, password: PASSWORD } });
    expect(signIn.status, signIn.text).toBe(200);
    expect(signIn.body.session.user).toMatchObject({ id: s.user.id, email, displayName: 'Converted User', locale: 'fr' });
    expect([...signIn.body.session.user.roles].sort()).toEqual(['editor', 'user']);
  });

  it('applies the default options: the e-mail as display name, the configured roles, no metadata', async () => {
    const s = await anonymousSession();
    const email = uniqueEmail('defaults');
    expectOk(await deanonymize(lenient, s.accessToken, { signInMethod: 'email-password', email, password: PASSWORD, options: { locale: 'de' } }));

    const row = (await userRow(g.db, { id: s.user.id }))!;
    expect(row).toMatchObject({ display_name: email, default_role: 'user', locale: 'en' });
    expect(await rolesOf(g.db, s.user.id)).toEqual(['editor', 'me', 'user']);
    // Absent metadata is stored as SQL NULL (API.md §3.6.2 step 8), which GET /user shows as {}.
    expect(row.metadata_is_sql_null).toBe(true);
    const signIn = await lenient.request('POST', '/signin/email-password', { body: { email, password: PASSWORD } });
    const profile = await lenient.request('GET', '/user', { token: signIn.body.session.accessToken });
    expect(profile.status).toBe(200);
    expect(profile.body).toMatchObject({ id: s.user.id, isAnonymous: false, metadata: {} });
  });

  it('is not gated by AUTH_DISABLE_SIGNUP or AUTH_ANONYMOUS_USERS_ENABLED', async () => {
    const s = await anonymousSession();
    const email = uniqueEmail('gated');
    expectOk(await deanonymize(g.apps.gated, s.accessToken, { signInMethod: 'email-password', email, password: PASSWORD }));
    expect((await userRow(g.db, { id: s.user.id }))!).toMatchObject({ is_anonymous: false, email });
  });
});

describe('POST /user/deanonymize with email-password, verification required', () => {
  it('sets a verifyEmail ticket for 30 days and revokes every refresh token', async () => {
    g.clock.advance(1000);
    const s = await anonymousSession(strict);
    const email = uniqueEmail('verify');
    expectOk(await deanonymize(strict, s.accessToken, { signInMethod: 'email-password', email, password: PASSWORD }));

    const row = (await userRow(g.db, { id: s.user.id }))!;
    expect(row).toMatchObject({ is_anonymous: false, email, email_verified: false, default_role: 'user' });
    expect(row.ticket).toMatch(new RegExp(`^verifyEmail:${UUID_PATTERN}$`));
    expect(row.ticket_expires_at.getTime()).toBe(g.clock.now().getTime() + 30 * DAY_MS);
    expect(bcrypt.compareSync(PASSWORD, row.password_hash!)).toBe(true);
    expect(await rolesOf(g.db, s.user.id)).toEqual(['me', 'user']);
    expect(await refreshTokensOf(g.db, s.user.id)).toEqual([]);

    const refresh = await strict.request('POST', '/token', { body: { refreshToken: s.refreshToken } });
    expectError(refresh, 401, 'invalid-refresh-token');
    const signIn = await strict.request('POST', '/signin/email-password', { body: { email, password: PASSWORD } });
    expectError(signIn, 401, 'unverified-user');
  });
});

describe('POST /user/deanonymize with passwordless', () => {
  it('sets a passwordlessEmail ticket for 1 hour, stores no password and revokes every refresh token', async () => {
    g.clock.advance(1000);
    const s = await anonymousSession();
    const email = uniqueEmail('passwordless');
    // A password sent along is ignored.
    expectOk(await deanonymize(lenient, s.accessToken, { signInMethod: 'passwordless', email, password: PASSWORD }));

    const row = (await userRow(g.db, { id: s.user.id }))!;
    expect(row).toMatchObject({ is_anonymous: false, email, password_hash: '', email_verified: false });
    expect(row.ticket).toMatch(new RegExp(`^passwordlessEmail:${UUID_PATTERN}$`));
    expect(row.ticket_expires_at.getTime()).toBe(g.clock.now().getTime() + 60 * 60_000);
    expect(await refreshTokensOf(g.db, s.user.id)).toEqual([]);
    expectError(await lenient.request('POST', '/token', { body: { refreshToken: s.refreshToken } }), 401, 'invalid-refresh-token');
  });
});

describe('POST /user/deanonymize e-mails', () => {
  it('mails a signin-passwordless link to the new address, in the locale and name of the options, that signs the converted user in', async () => {
    const s = await anonymousSession();
    const email = uniqueEmail('magic');
    const redirectTo = `${CLIENT_URL}/welcome`;
    expectOk(await deanonymize(lenient, s.accessToken, { signInMethod: 'passwordless', email, options: { locale: 'fr', displayName: 'Anne Onyme', redirectTo } }));

    expect(lenient.mailbox.to(email)).toHaveLength(1);
    const mail = lenient.mailbox.last(email);
    expect(mail.template).toBe('signin-passwordless');
    expect(mail.envelope.rcptTo).toEqual([email]);
    expect(mail.subject).toBe('Votre lien de connexion');
    expect(mail.html).toContain('Bonjour Anne Onyme');
    expect(mail.ticket).toBe((await userRow(g.db, { id: s.user.id }))!.ticket);
    expect(mail.redirectTo).toBe(redirectTo);
    const link = new URL(mail.link);
    expect(link.searchParams.get('type')).toBe('signinPasswordless');
    expect(link.searchParams.get('redirectTo')).toBe(redirectTo);

    const location = await followLink(lenient, mail.link);
    expect(location.origin + location.pathname).toBe(redirectTo);
    expect(location.searchParams.get('type')).toBe('passwordlessEmail');
    const refreshed = await lenient.request('POST', '/token', { body: { refreshToken: location.searchParams.get('refreshToken') } });
    expect(refreshed.status, refreshed.text).toBe(200);
    expect(refreshed.body.user).toMatchObject({ id: s.user.id, isAnonymous: false, email, emailVerified: true, displayName: 'Anne Onyme', locale: 'fr', defaultRole: 'user' });
    expect((await userRow(g.db, { id: s.user.id }))!).toMatchObject({ is_anonymous: false, email, email_verified: true, ticket: null });
  });

  it('mails an email-verify link when verification is required, and following it verifies the address', async () => {
    const s = await anonymousSession(strict);
    const email = uniqueEmail('verify-mail');
    expectOk(await deanonymize(strict, s.accessToken, { signInMethod: 'email-password', email, password: PASSWORD, options: { displayName: 'Vera' } }));

    const mail = strict.mailbox.last(email);
    expect(mail.template).toBe('email-verify');
    expect(mail.html).toContain('Vera');
    expect(mail.ticket).toBe((await userRow(g.db, { id: s.user.id }))!.ticket);
    expect(new URL(mail.link).searchParams.get('type')).toBe('emailVerify');
    expectError(await strict.request('POST', '/signin/email-password', { body: { email, password: PASSWORD } }), 401, 'unverified-user');

    const location = await followLink(strict, mail.link);
    expect(location.searchParams.get('type')).toBe('verifyEmail');
    expect(location.searchParams.get('refreshToken')).toMatch(new RegExp(`^${UUID_PATTERN}$`));
    expect((await userRow(g.db, { id: s.user.id }))!).toMatchObject({ is_anonymous: false, email_verified: true });
    const signIn = await strict.request('POST', '/signin/email-password', { body: { email, password: PASSWORD } });
    expect(signIn.status, signIn.text).toBe(200);
    expect(signIn.body.session.user).toMatchObject({ id: s.user.id, email, emailVerified: true, isAnonymous: false });
  });

  it('sends no e-mail for email-password when verification is not required', async () => {
    const s = await anonymousSession();
    const email = uniqueEmail('no-mail');
    expectOk(await deanonymize(lenient, s.accessToken, { signInMethod: 'email-password', email, password: PASSWORD }));
    expect(lenient.mailbox.to(email)).toEqual([]);
  });

  it('carries the codeChallenge in the link, and /verify then answers a code for /token/exchange', async () => {
    const s = await anonymousSession();
    const email = uniqueEmail('pkce');
    const verifier = randomBytes(48).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    expectOk(await deanonymize(lenient, s.accessToken, { signInMethod: 'passwordless', email, codeChallenge: challenge }));

    const mail = lenient.mailbox.last(email);
    expect(new URL(mail.link).searchParams.get('codeChallenge')).toBe(challenge);
    const location = await followLink(lenient, mail.link);
    expect(location.searchParams.get('type')).toBe('passwordlessEmail');
    expect(location.searchParams.get('refreshToken')).toBeNull();
    const code = location.searchParams.get('code')!;
    expect(code).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const exchanged = await lenient.request('POST', '/token/exchange', { body: { code, codeVerifier: verifier } });
    expect(exchanged.status, exchanged.text).toBe(200);
    expectContract('tokenExchange', exchanged);
    expect(exchanged.body.session.user).toMatchObject({ id: s.user.id, isAnonymous: false, email, emailVerified: true });
  });

  it.each([
    ['passwordless', 'lenient', 'signin-passwordless'],
    ['email-password', 'strict', 'email-verify'],
  ] as const)('rolls the %s conversion back when the mail server refuses, and succeeds once it accepts again', async (signInMethod, appName, template) => {
    const t = g.apps[appName];
    const s = await anonymousSession(t);
    const email = uniqueEmail('refused');
    const body = { signInMethod, email, password: PASSWORD };
    t.mailbox.refuse(true);
    let refused: ApiResponse;
    try {
      refused = await deanonymize(t, s.accessToken, body);
    } finally {
      t.mailbox.refuse(false);
    }
    expectDeanonymizeError(refused, 500, 'internal-server-error');

    // Nothing half-done: still anonymous, no ticket, the session intact.
    await expectStillAnonymous(s.user.id);
    expect((await userRow(g.db, { id: s.user.id }))!.ticket).toBeNull();
    expect((await refreshTokensOf(g.db, s.user.id)).map((r) => r.id)).toEqual([s.refreshTokenId]);
    const refreshed = await t.request('POST', '/token', { body: { refreshToken: s.refreshToken } });
    expect(refreshed.status, refreshed.text).toBe(200);
    expect(refreshed.body.user).toMatchObject({ id: s.user.id, isAnonymous: true });
    expect(t.mailbox.to(email)).toEqual([]);

    expectOk(await deanonymize(t, s.accessToken, body));
    expect(t.mailbox.last(email).template).toBe(template);
    expect((await userRow(g.db, { id: s.user.id }))!).toMatchObject({ is_anonymous: false, email });
  });
});
