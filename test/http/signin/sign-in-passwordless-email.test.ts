import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLIENT_URL, expectContract, expectError, uniqueEmail, type ApiResponse, type TestApp } from '../../support/app.js';
import { followLink, pkcePair } from '../../support/mail-links.js';
import type { CapturedMail } from '../../support/mailbox.js';
import { UUID_PATTERN, insertPasswordUser, refreshTokensOf, rolesOf, startAppGroup, userRow, type AppGroup } from '../../support/email-password.js';

// The magic link (API.md §3.3.4, FLOWS.md §5) through a real SMTP server: the request, the e-mail,
// and the link followed through GET /verify.

const HOUR_MS = 60 * 60 * 1000;
const ENABLED = { AUTH_EMAIL_PASSWORDLESS_ENABLED: 'true' };
const ALLOWED_REDIRECT = 'https://app.example.org';

type Apps = 'magic' | 'off' | 'closed' | 'newUsersDisabled';

let g: AppGroup<Apps>;
let magic: TestApp;

beforeAll(async () => {
  g = await startAppGroup<Apps>({
    // E-mail verification required (the default): the link itself verifies the address.
    magic: {
      ...ENABLED,
      AUTH_LOCALE_ALLOWED_LOCALES: 'en,fr,es',
      AUTH_USER_DEFAULT_ALLOWED_ROLES: 'me,editor',
      AUTH_ACCESS_CONTROL_BLOCKED_EMAIL_DOMAINS: 'blocked.example',
      AUTH_ACCESS_CONTROL_ALLOWED_REDIRECT_URLS: ALLOWED_REDIRECT,
    },
    off: {},
    closed: { ...ENABLED, AUTH_DISABLE_SIGNUP: 'true' },
    newUsersDisabled: { ...ENABLED, AUTH_DISABLE_NEW_USERS: 'true' },
  });
  ({ magic } = g.apps);
});
afterAll(() => g?.close());

function requestLink(t: TestApp, body: Record<string, unknown>): Promise<ApiResponse> {
  return t.request('POST', '/signin/passwordless/email', { body });
}

function expectOk(res: ApiResponse): void {
  expect(res.status, res.text).toBe(200);
  expect(res.text).toBe('"OK"');
  expectContract('signInPasswordlessEmail', res);
}

function expectLinkError(res: ApiResponse, status: number, code: string): void {
  expectError(res, status, code);
  expectContract('signInPasswordlessEmail', res);
}

function expectMagicLinkMail(t: TestApp, mail: CapturedMail, redirectTo = CLIENT_URL): URL {
  expect(mail.template).toBe('signin-passwordless');
  expect(mail.ticket).toMatch(new RegExp(`^passwordlessEmail:${UUID_PATTERN}$`));
  expect(mail.redirectTo).toBe(redirectTo);
  const link = new URL(mail.link);
  expect(`${link.origin}${link.pathname}`).toBe(`${t.config.server.serverUrl}/verify`);
  expect(link.searchParams.get('type')).toBe('signinPasswordless');
  expect(link.searchParams.get('ticket')).toBe(mail.ticket);
  expect(link.searchParams.get('redirectTo')).toBe(redirectTo);
  expect(mail.html).toContain(mail.link);
  return link;
}

async function userCount(): Promise<number> {
  const r = await g.db.query<{ n: number }>('SELECT count(*)::int AS n FROM auth.users');
  return r.rows[0]!.n;
}

async function setStoredProfile(userId: string, locale: string, displayName: string): Promise<void> {
  await g.db.query('UPDATE auth.users SET locale = $2, display_name = $3 WHERE id = $1', [userId, locale, displayName]);
}

describe('POST /signin/passwordless/email gate', () => {
  it('answers disabled-endpoint when AUTH_EMAIL_PASSWORDLESS_ENABLED is off, creating nothing and sending nothing', async () => {
    const email = uniqueEmail('off');
    const before = await userCount();
    expectLinkError(await requestLink(g.apps.off, { email }), 409, 'disabled-endpoint');
    expect(await userCount()).toBe(before);
    expect(g.apps.off.mailbox.messages).toEqual([]);
  });

  it('answers disabled-endpoint for an existing user too', async () => {
    const email = uniqueEmail('off-existing');
    await insertPasswordUser(g.db, { email, passwordHash: null });
    expectLinkError(await requestLink(g.apps.off, { email }), 409, 'disabled-endpoint');
    expect(g.apps.off.mailbox.to(email)).toEqual([]);
  });
});

describe('POST /signin/passwordless/email for a new address', () => {
  it('creates the user from the options, without password, session or verified address', async () => {
    g.clock.advance(1000);
    const email = uniqueEmail('new');
    const metadata = { plan: 'pro', seats: 3 };
    const options = { displayName: 'Ada Lovelace', locale: 'fr', metadata, allowedRoles: ['editor', 'user'], defaultRole: 'editor' };
    expectOk(await requestLink(magic, { email, options }));

    const row = (await userRow(g.db, { email }))!;
    expect(row).toMatchObject({
      email,
      password_hash: null,
      email_verified: false,
      disabled: false,
      is_anonymous: false,
      display_name: 'Ada Lovelace',
      locale: 'fr',
      default_role: 'editor',
      metadata,
      last_seen: null,
    });
    expect(row.ticket).toMatch(new RegExp(`^passwordlessEmail:${UUID_PATTERN}$`));
    expect(row.ticket_expires_at.getTime()).toBe(g.clock.now().getTime() + HOUR_MS);
    expect(await rolesOf(g.db, row.id)).toEqual(['editor', 'user']);
    // No session until the link is opened.
    expect(await refreshTokensOf(g.db, row.id)).toEqual([]);
  });

  it('mails a signin-passwordless link in the locale of the options, greeting the display name', async () => {
    const email = uniqueEmail('mail');
    expectOk(await requestLink(magic, { email, options: { displayName: 'Ada Lovelace', locale: 'fr' } }));

    expect(magic.mailbox.to(email)).toHaveLength(1);
    const mail = magic.mailbox.last(email);
    expectMagicLinkMail(magic, mail);
    expect(mail.envelope.rcptTo).toEqual([email]);
    expect(mail.subject).toBe('Votre lien de connexion');
    expect(mail.html).toContain('<html lang="fr">');
    expect(mail.html).toContain('Bonjour Ada Lovelace');
    expect(mail.ticket).toBe((await userRow(g.db, { email }))!.ticket);
  });

  it('defaults the display name to the address and the locale to the configured default', async () => {
    const email = uniqueEmail('defaults');
    expectOk(await requestLink(magic, { email, options: { locale: 'de' } }));
    const row = (await userRow(g.db, { email }))!;
    expect(row).toMatchObject({ display_name: email, locale: 'en', default_role: 'user' });
    expect(await rolesOf(g.db, row.id)).toEqual(['editor', 'me', 'user']);
    const mail = magic.mailbox.last(email);
    expect(mail.subject).toBe('Your sign-in link');
    expect(mail.html).toContain(email);
  });

  it('signs the user in through /verify: the address becomes verified and the refresh token works', async () => {
    const email = uniqueEmail('journey');
    expectOk(await requestLink(magic, { email, options: { displayName: 'Journey' } }));
    const link = expectMagicLinkMail(magic, magic.mailbox.last(email));

    const location = await followLink(magic, link.href);
    expect(location.origin + location.pathname).toBe(`${CLIENT_URL}/`);
    expect(location.searchParams.get('type')).toBe('passwordlessEmail');
    expect(location.searchParams.get('error')).toBeNull();
    const refreshToken = location.searchParams.get('refreshToken')!;
    expect(refreshToken).toMatch(new RegExp(`^${UUID_PATTERN}$`));

    const row = (await userRow(g.db, { email }))!;
    expect(row.email_verified).toBe(true);
    expect(row.ticket).toBeNull();
    expect(await refreshTokensOf(g.db, row.id)).toHaveLength(1);

    const refreshed = await magic.request('POST', '/token', { body: { refreshToken } });
    expect(refreshed.status, refreshed.text).toBe(200);
    expectContract('refreshToken', refreshed);
    expect(refreshed.body.user).toMatchObject({ id: row.id, email, emailVerified: true, displayName: 'Journey' });

    // The link works once.
    const again = await followLink(magic, link.href);
    expect(again.searchParams.get('error')).toBe('invalid-ticket');
    expect(again.searchParams.get('refreshToken')).toBeNull();
  });

  it('puts an allowed redirectTo in the link, and /verify lands there keeping its query', async () => {
    const email = uniqueEmail('redirect');
    const redirectTo = `${ALLOWED_REDIRECT}/welcome?from=mail`;
    expectOk(await requestLink(magic, { email, options: { redirectTo } }));
    const link = expectMagicLinkMail(magic, magic.mailbox.last(email), redirectTo);

    const location = await followLink(magic, link.href);
    expect(location.origin + location.pathname).toBe(`${ALLOWED_REDIRECT}/welcome`);
    expect(location.searchParams.get('from')).toBe('mail');
    expect(location.searchParams.get('type')).toBe('passwordlessEmail');
    expect(location.searchParams.get('refreshToken')).toMatch(new RegExp(`^${UUID_PATTERN}$`));
  });

  it('refuses an address blocked by access control, creating nothing and sending nothing', async () => {
    const email = `${uniqueEmail('blocked').split('@')[0]}@blocked.example`;
    expectLinkError(await requestLink(magic, { email }), 401, 'invalid-email-password');
    expect(await userRow(g.db, { email })).toBeUndefined();
    expect(magic.mailbox.to(email)).toEqual([]);
  });

  it.each([
    ['redirectTo-not-allowed', 400, { redirectTo: 'https://evil.example.net/' }],
    ['role-not-allowed', 400, { allowedRoles: ['admin'] }],
    ['default-role-must-be-in-allowed-roles', 400, { allowedRoles: ['me'], defaultRole: 'editor' }],
  ])('answers %s for a new address without creating the user', async (code, status, options) => {
    const email = uniqueEmail('bad-options');
    expectLinkError(await requestLink(magic, { email, options }), status, code);
    expect(await userRow(g.db, { email })).toBeUndefined();
    expect(magic.mailbox.to(email)).toEqual([]);
  });

  it('refuses a malformed codeChallenge at validation, creating nothing', async () => {
    const email = uniqueEmail('bad-challenge');
    const res = await requestLink(magic, { email, codeChallenge: 'too-short' });
    expect(res.status).toBe(400);
    expectContract('signInPasswordlessEmail', res);
    expect(await userRow(g.db, { email })).toBeUndefined();
    expect(magic.mailbox.to(email)).toEqual([]);
  });

  it('creates nothing when the mail server refuses the message, and works once it accepts again', async () => {
    const email = uniqueEmail('refused');
    magic.mailbox.refuse(true);
    try {
      expectLinkError(await requestLink(magic, { email }), 500, 'internal-server-error');
    } finally {
      magic.mailbox.refuse(false);
    }
    expect(await userRow(g.db, { email })).toBeUndefined();
    expect(magic.mailbox.to(email)).toEqual([]);

    expectOk(await requestLink(magic, { email }));
    expectMagicLinkMail(magic, magic.mailbox.last(email));
    expect((await userRow(g.db, { email }))!.ticket).toBe(magic.mailbox.last(email).ticket);
  });
});

describe('POST /signin/passwordless/email for an existing user', () => {
  it("mails in the stored locale and display name, ignoring the options' profile fields", async () => {
    const email = uniqueEmail('existing');
    const id = await insertPasswordUser(g.db, { email, passwordHash: null });
    await setStoredProfile(id, 'es', 'Stored Name');
    const options = { displayName: 'Other Name', locale: 'fr', metadata: { ignored: true } };
    expectOk(await requestLink(magic, { email, options }));

    const mail = magic.mailbox.last(email);
    expectMagicLinkMail(magic, mail);
    expect(mail.subject).toBe('Tu enlace de inicio de sesión');
    expect(mail.html).toContain('<html lang="es">');
    expect(mail.html).toContain('Stored Name');
    expect(mail.html).not.toContain('Other Name');
    // The stored profile is left as it was.
    const row = (await userRow(g.db, { id }))!;
    expect(row).toMatchObject({ locale: 'es', display_name: 'Stored Name', metadata: null, ticket: mail.ticket });
  });

  it('uses the redirectTo of the options for an existing user', async () => {
    const email = uniqueEmail('existing-redirect');
    await insertPasswordUser(g.db, { email, passwordHash: null });
    const redirectTo = `${ALLOWED_REDIRECT}/back`;
    expectOk(await requestLink(magic, { email, options: { redirectTo } }));
    expectMagicLinkMail(magic, magic.mailbox.last(email), redirectTo);
  });

  it('lets an unverified user in while verification is required, and the link verifies the address', async () => {
    const email = uniqueEmail('unverified');
    const id = await insertPasswordUser(g.db, { email, passwordHash: null, emailVerified: false });
    expectOk(await requestLink(magic, { email }));
    const link = expectMagicLinkMail(magic, magic.mailbox.last(email));

    const location = await followLink(magic, link.href);
    expect(location.searchParams.get('type')).toBe('passwordlessEmail');
    const refreshed = await magic.request('POST', '/token', { body: { refreshToken: location.searchParams.get('refreshToken') } });
    expect(refreshed.status, refreshed.text).toBe(200);
    expect(refreshed.body.user).toMatchObject({ id, emailVerified: true });
    expect((await userRow(g.db, { id }))!.email_verified).toBe(true);
  });

  it('finds the user whatever the case of the address', async () => {
    const email = uniqueEmail('case');
    const id = await insertPasswordUser(g.db, { email, passwordHash: null });
    const before = await userCount();
    expectOk(await requestLink(magic, { email: email.toUpperCase() }));
    expect(await userCount()).toBe(before);
    expect((await userRow(g.db, { id }))!.ticket).toMatch(/^passwordlessEmail:/);
  });

  it('answers disabled-user for a disabled user, sending nothing and storing no ticket', async () => {
    const email = uniqueEmail('disabled');
    const id = await insertPasswordUser(g.db, { email, passwordHash: null, disabled: true });
    expectLinkError(await requestLink(magic, { email }), 401, 'disabled-user');
    expect(magic.mailbox.to(email)).toEqual([]);
    expect((await userRow(g.db, { id }))!.ticket).toBeNull();
  });

  it.each([
    ['redirectTo-not-allowed', { redirectTo: 'https://evil.example.net/' }],
    ['role-not-allowed', { allowedRoles: ['admin'] }],
  ])('answers %s even for an existing user', async (code, options) => {
    const email = uniqueEmail('existing-options');
    const id = await insertPasswordUser(g.db, { email, passwordHash: null });
    expectLinkError(await requestLink(magic, { email, options }), 400, code);
    expect(magic.mailbox.to(email)).toEqual([]);
    expect((await userRow(g.db, { id }))!.ticket).toBeNull();
  });

  it('replaces the previous link: the first one no longer works, the second one does', async () => {
    const email = uniqueEmail('twice');
    const id = await insertPasswordUser(g.db, { email, passwordHash: null });
    expectOk(await requestLink(magic, { email }));
    const first = magic.mailbox.last(email);
    expectOk(await requestLink(magic, { email }));
    const second = magic.mailbox.last(email);
    expect(magic.mailbox.to(email)).toHaveLength(2);
    expect(second.ticket).not.toBe(first.ticket);
    expect((await userRow(g.db, { id }))!.ticket).toBe(second.ticket);

    const stale = await followLink(magic, first.link);
    expect(stale.searchParams.get('error')).toBe('invalid-ticket');
    expect(stale.searchParams.get('refreshToken')).toBeNull();
    // The failed attempt with the old link leaves the new one intact.
    const fresh = await followLink(magic, second.link);
    expect(fresh.searchParams.get('type')).toBe('passwordlessEmail');
    expect(fresh.searchParams.get('refreshToken')).toMatch(new RegExp(`^${UUID_PATTERN}$`));
  });

  it('keeps the previous link when the mail server refuses the new one', async () => {
    const email = uniqueEmail('refused-existing');
    const id = await insertPasswordUser(g.db, { email, passwordHash: null });
    expectOk(await requestLink(magic, { email }));
    const first = magic.mailbox.last(email);
    magic.mailbox.refuse(true);
    try {
      expectLinkError(await requestLink(magic, { email }), 500, 'internal-server-error');
    } finally {
      magic.mailbox.refuse(false);
    }
    expect((await userRow(g.db, { id }))!.ticket).toBe(first.ticket);
    const location = await followLink(magic, first.link);
    expect(location.searchParams.get('type')).toBe('passwordlessEmail');
  });

  it('refuses a link opened after its hour', async () => {
    const email = uniqueEmail('expired');
    const id = await insertPasswordUser(g.db, { email, passwordHash: null });
    expectOk(await requestLink(magic, { email }));
    const mail = magic.mailbox.last(email);
    g.clock.advance(HOUR_MS + 1000);
    const location = await followLink(magic, mail.link);
    expect(location.searchParams.get('error')).toBe('invalid-ticket');
    expect(await refreshTokensOf(g.db, id)).toEqual([]);
  });
});

describe('POST /signin/passwordless/email with PKCE', () => {
  it('carries the codeChallenge in the link; /verify answers a code that /token/exchange turns into a session', async () => {
    const email = uniqueEmail('pkce');
    const { verifier, challenge } = pkcePair();
    expectOk(await requestLink(magic, { email, codeChallenge: challenge }));
    const link = expectMagicLinkMail(magic, magic.mailbox.last(email));
    expect(link.searchParams.get('codeChallenge')).toBe(challenge);

    const location = await followLink(magic, link.href);
    expect(location.searchParams.get('type')).toBe('passwordlessEmail');
    expect(location.searchParams.get('refreshToken')).toBeNull();
    const code = location.searchParams.get('code')!;
    expect(code).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const row = (await userRow(g.db, { email }))!;
    expect(row.email_verified).toBe(true);
    // The code stands in for the session: no refresh token yet.
    expect(await refreshTokensOf(g.db, row.id)).toEqual([]);

    const exchanged = await magic.request('POST', '/token/exchange', { body: { code, codeVerifier: verifier } });
    expect(exchanged.status, exchanged.text).toBe(200);
    expectContract('tokenExchange', exchanged);
    expect(exchanged.body.session.user).toMatchObject({ id: row.id, email, emailVerified: true });
    expect(await refreshTokensOf(g.db, row.id)).toHaveLength(1);

    const reused = await magic.request('POST', '/token/exchange', { body: { code, codeVerifier: verifier } });
    expectError(reused, 400, 'invalid-request');
  });
});

describe('POST /signin/passwordless/email with AUTH_DISABLE_SIGNUP', () => {
  it('answers signup-disabled for an unknown address, creating nothing and sending nothing', async () => {
    const closed = g.apps.closed;
    const email = uniqueEmail('closed');
    expectLinkError(await requestLink(closed, { email }), 403, 'signup-disabled');
    expect(await userRow(g.db, { email })).toBeUndefined();
    expect(closed.mailbox.to(email)).toEqual([]);
  });

  it('still sends a link to an existing user, and the link signs them in', async () => {
    const closed = g.apps.closed;
    const email = uniqueEmail('closed-existing');
    const id = await insertPasswordUser(g.db, { email, passwordHash: null });
    expectOk(await requestLink(closed, { email }));
    const link = expectMagicLinkMail(closed, closed.mailbox.last(email));
    const location = await followLink(closed, link.href);
    const refreshed = await closed.request('POST', '/token', { body: { refreshToken: location.searchParams.get('refreshToken') } });
    expect(refreshed.status, refreshed.text).toBe(200);
    expect(refreshed.body.user.id).toBe(id);
  });
});

describe('POST /signin/passwordless/email with AUTH_DISABLE_NEW_USERS', () => {
  it('answers disabled-user, keeps the new user created but disabled, and sends nothing', async () => {
    const t = g.apps.newUsersDisabled;
    const email = uniqueEmail('new-disabled');
    expectLinkError(await requestLink(t, { email, options: { displayName: 'Waiting' } }), 401, 'disabled-user');
    const row = (await userRow(g.db, { email }))!;
    expect(row).toMatchObject({ disabled: true, email_verified: false, password_hash: null, display_name: 'Waiting' });
    expect(t.mailbox.to(email)).toEqual([]);

    // Asking again finds the disabled user.
    expectLinkError(await requestLink(t, { email }), 401, 'disabled-user');
    expect(t.mailbox.to(email)).toEqual([]);
  });
});
