import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import bcrypt from 'bcrypt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLIENT_URL, decodeJwt, expectContract, expectError, uniqueEmail, type ApiResponse, type TestApp } from '../../support/app.js';
import {
  DAY_MS,
  UUID_PATTERN,
  UUID_V4,
  refreshTokensOf,
  rolesOf,
  signUpWithSession,
  startAppGroup,
  storedRefreshTokenHash,
  userRow,
  type AppGroup,
} from '../../support/email-password.js';
import type { CapturedMail } from '../../support/mailbox.js';

const PASSWORD = 'correct-horse';
const NO_VERIFICATION = { AUTH_EMAIL_SIGNIN_EMAIL_VERIFIED_REQUIRED: 'false' };

type Apps = 'session' | 'verify' | 'noGravatar' | 'closed' | 'restricted' | 'newUsersDisabled';

let g: AppGroup<Apps>;
let session: TestApp;
let verify: TestApp;

beforeAll(async () => {
  g = await startAppGroup<Apps>({
    session: {
      ...NO_VERIFICATION,
      AUTH_USER_DEFAULT_ALLOWED_ROLES: 'me,editor',
      AUTH_LOCALE_ALLOWED_LOCALES: 'en,fr,fil',
      AUTH_ACCESS_CONTROL_ALLOWED_REDIRECT_URLS: 'https://app.example.org',
    },
    verify: {},
    noGravatar: { ...NO_VERIFICATION, AUTH_GRAVATAR_ENABLED: 'false' },
    closed: { AUTH_DISABLE_SIGNUP: 'true', AUTH_ACCESS_CONTROL_BLOCKED_EMAIL_DOMAINS: 'blocked.example' },
    restricted: {
      ...NO_VERIFICATION,
      AUTH_PASSWORD_MIN_LENGTH: '8',
      AUTH_ACCESS_CONTROL_BLOCKED_EMAIL_DOMAINS: 'blocked.example',
      AUTH_ACCESS_CONTROL_ALLOWED_EMAILS: 'vip@blocked.example',
      AUTH_ACCESS_CONTROL_ALLOWED_EMAIL_DOMAINS: 'example.com',
    },
    newUsersDisabled: { ...NO_VERIFICATION, AUTH_DISABLE_NEW_USERS: 'true' },
  });
  ({ session, verify } = g.apps);
});
afterAll(() => g?.close());

function signUp(t: TestApp, body: Record<string, unknown>): Promise<ApiResponse> {
  return t.request('POST', '/signup/email-password', { body });
}

function expectSignUpError(res: ApiResponse, status: number, code: string): void {
  expectError(res, status, code);
  expectContract('signUpEmailPassword', res);
}

async function userCount(): Promise<number> {
  const r = await g.db.query<{ n: number }>('SELECT count(*)::int AS n FROM auth.users');
  return r.rows[0]!.n;
}

describe('POST /signup/email-password when no verification is required', () => {
  it('answers a session whose user is built from the request', async () => {
    const email = uniqueEmail('Ada.Session');
    const res = await signUp(session, { email, password: PASSWORD });
    expect(res.status).toBe(200);
    expectContract('signUpEmailPassword', res);
    expect(Object.keys(res.body)).toEqual(['session']);
    const { user, accessToken, refreshToken, refreshTokenId, accessTokenExpiresIn } = res.body.session;
    expect(accessTokenExpiresIn).toBe(900);
    expect(refreshToken).toMatch(UUID_V4);
    expect(refreshTokenId).toMatch(UUID_V4);
    expect(typeof accessToken).toBe('string');
    expect(user).toEqual({
      id: expect.stringMatching(UUID_V4),
      createdAt: g.clock.now().toISOString(),
      displayName: email,
      avatarUrl: expect.any(String),
      locale: 'en',
      email,
      emailVerified: false,
      phoneNumberVerified: false,
      isAnonymous: false,
      defaultRole: 'user',
      // The effective allowed roles: the configured list with the default role appended.
      roles: ['me', 'editor', 'user'],
      metadata: null,
      activeMfaType: null,
    });
  });

  it('shows the Gravatar URL of the lower-cased address as the avatar', async () => {
    const email = uniqueEmail('Grace.Hopper');
    const s = await signUpWithSession(session, email, PASSWORD);
    const md5 = createHash('md5').update(email.toLowerCase()).digest('hex');
    const expected = `https://www.gravatar.com/avatar/${md5}?d=blank&r=g`;
    expect(s.user.avatarUrl).toBe(expected);
    expect((await userRow(g.db, { id: s.user.id }))!.avatar_url).toBe(expected);
  });

  it('gives an empty avatar URL when Gravatar is off', async () => {
    const s = await signUpWithSession(g.apps.noGravatar, uniqueEmail('no-avatar'), PASSWORD);
    expect(s.user.avatarUrl).toBe('');
    expect((await userRow(g.db, { id: s.user.id }))!.avatar_url).toBe('');
  });

  it('returns the metadata as sent', async () => {
    const metadata = { plan: 'pro', seats: 3, tags: ['a'] };
    const s = await signUpWithSession(session, uniqueEmail('meta'), PASSWORD, { metadata });
    expect(s.user.metadata).toEqual(metadata);
    expect((await userRow(g.db, { id: s.user.id }))!.metadata).toEqual(metadata);
  });

  it('mints an access token with the Hasura claims of the new user', async () => {
    const s = await signUpWithSession(session, uniqueEmail('claims'), PASSWORD);
    const claims = decodeJwt(s.accessToken);
    expect(claims['https://hasura.io/jwt/claims']).toMatchObject({
      'x-hasura-allowed-roles': ['me', 'editor', 'user'],
      'x-hasura-default-role': 'user',
      'x-hasura-user-id': s.user.id,
      'x-hasura-user-is-anonymous': 'false',
    });
    expect(claims.iss).toBe('hasura-auth');
    expect(claims.sub).toBe(s.user.id);
    expect(claims.iat).toBe(Math.floor(g.clock.now().getTime() / 1000));
    expect(claims.exp - claims.iat).toBe(900);
  });

  it('stores the user, one role row per allowed role, and only the hash of the refresh token', async () => {
    g.clock.advance(60_000);
    const email = uniqueEmail('rows');
    const s = await signUpWithSession(session, email, PASSWORD);
    const row = (await userRow(g.db, { id: s.user.id }))!;
    expect(row).toMatchObject({
      email,
      display_name: email,
      locale: 'en',
      default_role: 'user',
      is_anonymous: false,
      disabled: false,
      email_verified: false,
      metadata_is_sql_null: false,
      metadata: null,
    });
    expect(row.last_seen?.getTime()).toBe(g.clock.now().getTime());
    expect(row.password_hash).toMatch(/^\$2a\$04\$/);
    expect(bcrypt.compareSync(PASSWORD, row.password_hash!)).toBe(true);
    expect(await rolesOf(g.db, s.user.id)).toEqual(['editor', 'me', 'user']);

    const tokens = await refreshTokensOf(g.db, s.user.id);
    expect(tokens).toHaveLength(1);
    expect(tokens[0]).toMatchObject({ id: s.refreshTokenId, type: 'regular', refresh_token_hash: await storedRefreshTokenHash(g.db, s.refreshToken) });
    expect(tokens[0]!.expires_at.getTime()).toBe(g.clock.now().getTime() + 30 * DAY_MS);
  });

  it('uses the requested roles, default role, display name and locale', async () => {
    const options = { allowedRoles: ['editor', 'user'], defaultRole: 'editor', displayName: 'Ada Lovelace', locale: 'fr' };
    const s = await signUpWithSession(session, uniqueEmail('options'), PASSWORD, options);
    expect(s.user).toMatchObject({ roles: ['editor', 'user'], defaultRole: 'editor', displayName: 'Ada Lovelace', locale: 'fr' });
    expect(decodeJwt(s.accessToken)['https://hasura.io/jwt/claims']).toMatchObject({
      'x-hasura-allowed-roles': ['editor', 'user'],
      'x-hasura-default-role': 'editor',
    });
    const row = (await userRow(g.db, { id: s.user.id }))!;
    expect(row).toMatchObject({ default_role: 'editor', display_name: 'Ada Lovelace', locale: 'fr' });
    expect(await rolesOf(g.db, s.user.id)).toEqual(['editor', 'user']);
  });

  it('silently replaces a locale that is not allowed by the default one', async () => {
    const s = await signUpWithSession(session, uniqueEmail('locale'), PASSWORD, { locale: 'de' });
    expect(s.user.locale).toBe('en');
    expect((await userRow(g.db, { id: s.user.id }))!.locale).toBe('en');
  });

  it('accepts a three-letter locale when it is configured', async () => {
    const s = await signUpWithSession(session, uniqueEmail('fil'), PASSWORD, { locale: 'fil' });
    expect(s.user.locale).toBe('fil');
    expect((await userRow(g.db, { id: s.user.id }))!.locale).toBe('fil');
  });

  it('accepts a redirectTo under the client URL or an allowed redirect URL', async () => {
    for (const redirectTo of ['http://localhost:3000/welcome', 'https://app.example.org/after/sign-up?x=1#top']) {
      const res = await signUp(session, { email: uniqueEmail('redirect'), password: PASSWORD, options: { redirectTo } });
      expect(res.status, redirectTo).toBe(200);
      expectContract('signUpEmailPassword', res);
    }
  });

  it('refuses a redirectTo outside the allow-list', async () => {
    const email = uniqueEmail('bad-redirect');
    const res = await signUp(session, { email, password: PASSWORD, options: { redirectTo: 'https://evil.example.net/' } });
    expectSignUpError(res, 400, 'redirectTo-not-allowed');
    expect(await userRow(g.db, { email })).toBeUndefined();
  });

  it('refuses a role outside the configured allowed roles', async () => {
    const email = uniqueEmail('admin');
    const res = await signUp(session, { email, password: PASSWORD, options: { allowedRoles: ['user', 'admin'] } });
    expectSignUpError(res, 400, 'role-not-allowed');
    expect(await userRow(g.db, { email })).toBeUndefined();
  });

  it('refuses a default role that is not among the allowed roles', async () => {
    const res = await signUp(session, { email: uniqueEmail('role'), password: PASSWORD, options: { allowedRoles: ['me'], defaultRole: 'editor' } });
    expectSignUpError(res, 400, 'default-role-must-be-in-allowed-roles');
  });

  it('refuses an explicitly empty list of allowed roles', async () => {
    const res = await signUp(session, { email: uniqueEmail('no-roles'), password: PASSWORD, options: { allowedRoles: [] } });
    expectSignUpError(res, 400, 'default-role-must-be-in-allowed-roles');
  });

  it('checks redirectTo before the roles, and the roles before the default role', async () => {
    const bothWrong = await signUp(session, {
      email: uniqueEmail('order'),
      password: PASSWORD,
      options: { redirectTo: 'https://evil.example.net', allowedRoles: ['admin'] },
    });
    expectSignUpError(bothWrong, 400, 'redirectTo-not-allowed');
    const rolesWrong = await signUp(session, { email: uniqueEmail('order'), password: PASSWORD, options: { allowedRoles: ['admin'], defaultRole: 'nobody' } });
    expectSignUpError(rolesWrong, 400, 'role-not-allowed');
  });

  it('refuses an e-mail already in use, whatever its case, and keeps the first account', async () => {
    const email = uniqueEmail('taken');
    const first = await signUpWithSession(session, email, PASSWORD);
    for (const again of [email, email.toUpperCase()]) {
      const res = await signUp(session, { email: again, password: 'another-password' });
      expectSignUpError(res, 409, 'email-already-in-use');
    }
    const r = await g.db.query<{ id: string }>('SELECT id FROM auth.users WHERE email = $1', [email]);
    expect(r.rows).toEqual([{ id: first.user.id }]);
    expect(await refreshTokensOf(g.db, first.user.id)).toHaveLength(1);
  });

  it('checks the options before looking for a duplicate e-mail', async () => {
    const email = uniqueEmail('dup-options');
    await signUpWithSession(session, email, PASSWORD);
    const res = await signUp(session, { email, password: PASSWORD, options: { allowedRoles: ['admin'] } });
    expectSignUpError(res, 400, 'role-not-allowed');
  });
});

describe('POST /signup/email-password when the e-mail must be verified (default)', () => {
  it('answers {} and stores an unverified user with a verifyEmail ticket valid for 30 days', async () => {
    g.clock.advance(1000);
    const email = uniqueEmail('verify');
    const res = await signUp(verify, { email, password: PASSWORD, options: { displayName: 'Pending User', metadata: { a: 1 } } });
    expect(res.status).toBe(200);
    expectContract('signUpEmailPassword', res);
    expect(res.body).toEqual({});
    const row = (await userRow(g.db, { email }))!;
    expect(row).toMatchObject({ email_verified: false, disabled: false, is_anonymous: false, display_name: 'Pending User', metadata: { a: 1 }, last_seen: null });
    expect(row.ticket).toMatch(new RegExp(`^verifyEmail:${UUID_PATTERN}$`));
    expect(row.ticket_expires_at.getTime()).toBe(g.clock.now().getTime() + 30 * DAY_MS);
    expect(bcrypt.compareSync(PASSWORD, row.password_hash!)).toBe(true);
    expect(await rolesOf(g.db, row.id)).toEqual(['me', 'user']);
    expect(await refreshTokensOf(g.db, row.id)).toEqual([]);
  });

  it('refuses a duplicate e-mail as well', async () => {
    const email = uniqueEmail('verify-dup');
    expect((await signUp(verify, { email, password: PASSWORD })).status).toBe(200);
    const res = await signUp(verify, { email: email.toUpperCase(), password: PASSWORD });
    expectSignUpError(res, 409, 'email-already-in-use');
  });
});

describe('POST /signup/email-password gates and access control', () => {
  it('answers signup-disabled when sign-up is disabled, before any other check', async () => {
    const before = await userCount();
    const plain = await signUp(g.apps.closed, { email: uniqueEmail('closed'), password: PASSWORD });
    expectSignUpError(plain, 403, 'signup-disabled');
    // The address is blocked too, and the options are wrong: the gate still comes first.
    const blocked = await signUp(g.apps.closed, { email: 'someone@blocked.example', password: PASSWORD, options: { allowedRoles: ['admin'] } });
    expectSignUpError(blocked, 403, 'signup-disabled');
    expect(await userCount()).toBe(before);
  });

  it('refuses an address in a blocked domain with invalid-email-password', async () => {
    const res = await signUp(g.apps.restricted, { email: 'someone@blocked.example', password: PASSWORD });
    expectSignUpError(res, 401, 'invalid-email-password');
    expect(await userRow(g.db, { email: 'someone@blocked.example' })).toBeUndefined();
  });

  it('refuses an address outside the allowed lists', async () => {
    const res = await signUp(g.apps.restricted, { email: 'someone@elsewhere.example', password: PASSWORD });
    expectSignUpError(res, 401, 'invalid-email-password');
  });

  it('accepts an allowed e-mail even inside a blocked domain, and an allowed domain', async () => {
    const vip = await signUpWithSession(g.apps.restricted, 'vip@blocked.example', PASSWORD);
    expect(vip.user.email).toBe('vip@blocked.example');
    await signUpWithSession(g.apps.restricted, uniqueEmail('allowed'), PASSWORD);
  });

  it('checks access control before the password length', async () => {
    const res = await signUp(g.apps.restricted, { email: 'short@blocked.example', password: 'short' });
    expectSignUpError(res, 401, 'invalid-email-password');
  });

  it('refuses a password shorter than AUTH_PASSWORD_MIN_LENGTH bytes', async () => {
    const email = uniqueEmail('short');
    const res = await signUp(g.apps.restricted, { email, password: '1234567' });
    expectSignUpError(res, 400, 'password-too-short');
    expect(await userRow(g.db, { email })).toBeUndefined();
  });

  it('counts the password length in UTF-8 bytes', async () => {
    // Three characters, twelve bytes: long enough for a minimum of 8.
    const s = await signUpWithSession(g.apps.restricted, uniqueEmail('emoji'), '😀😀😀');
    expect(bcrypt.compareSync('😀😀😀', (await userRow(g.db, { id: s.user.id }))!.password_hash!)).toBe(true);
  });

  it('checks the password before the options', async () => {
    const res = await signUp(g.apps.restricted, { email: uniqueEmail('order'), password: 'short', options: { redirectTo: 'https://evil.example.net' } });
    expectSignUpError(res, 400, 'password-too-short');
  });
});

describe('POST /signup/email-password with AUTH_DISABLE_NEW_USERS', () => {
  it('answers disabled-user and leaves the user created but disabled, without a session', async () => {
    const email = uniqueEmail('disabled');
    const res = await signUp(g.apps.newUsersDisabled, { email, password: PASSWORD });
    expectSignUpError(res, 401, 'disabled-user');
    const row = (await userRow(g.db, { email }))!;
    expect(row).toMatchObject({ disabled: true, email_verified: false, last_seen: null });
    expect(await rolesOf(g.db, row.id)).toEqual(['me', 'user']);
    expect(await refreshTokensOf(g.db, row.id)).toEqual([]);
  });
});

describe('POST /signup/email-password verification e-mail', () => {
  const subjectOf = (locale: string): string =>
    readFileSync(new URL(`../../../email-templates/${locale}/email-verify/subject.txt`, import.meta.url), 'utf8').trim();

  // A French-speaking app, and one that creates users disabled while verification is required.
  let m: AppGroup<'localized' | 'newUsersDisabled'>;
  beforeAll(async () => {
    m = await startAppGroup({ localized: { AUTH_LOCALE_ALLOWED_LOCALES: 'en,fr' }, newUsersDisabled: { AUTH_DISABLE_NEW_USERS: 'true' } });
  });
  afterAll(() => m?.close());

  async function signUpForMail(t: TestApp, body: Record<string, unknown>): Promise<CapturedMail> {
    const res = await signUp(t, { password: PASSWORD, ...body });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toEqual({});
    const mails = t.mailbox.to(body['email'] as string);
    expect(mails).toHaveLength(1);
    return mails[0]!;
  }

  function expectedLink(t: TestApp, params: Record<string, string>): string {
    const query = new URLSearchParams(Object.entries(params).sort(([a], [b]) => a.localeCompare(b)));
    return `${t.config.server.serverUrl}/verify?${query.toString()}`;
  }

  /** The raw header lines of the message, as sent (before any unfolding). */
  function rawHeaderLines(mail: CapturedMail): string[] {
    const end = mail.raw.search(/\r?\n\r?\n/);
    return mail.raw.slice(0, end).split(/\r?\n/);
  }

  it('sends the email-verify template to the address, with the four X- headers on one line each', async () => {
    const email = uniqueEmail('mail');
    const mail = await signUpForMail(verify, { email });
    const row = (await userRow(g.db, { email }))!;
    expect(mail.template).toBe('email-verify');
    expect(mail.to).toEqual([email]);
    expect(mail.envelope.rcptTo).toEqual([email]);
    expect(mail.subject).toBe(subjectOf('en'));
    expect(mail.ticket).toBe(row.ticket);
    expect(mail.redirectTo).toBe(CLIENT_URL);

    const lines = rawHeaderLines(mail);
    const xLines = lines.filter((l) => /^X-/i.test(l));
    expect(xLines).toEqual([`X-Ticket: ${row.ticket}`, `X-Redirect-To: ${CLIENT_URL}`, 'X-Email-Template: email-verify', `X-Link: ${mail.link}`]);
    for (const line of xLines) {
      // The next line starts a new header: none of the four is folded.
      expect(lines[lines.indexOf(line) + 1], line).toMatch(/^[^ \t]/);
    }
  });

  it('links to AUTH_SERVER_URL/verify with redirectTo, ticket and type=emailVerify, keys sorted', async () => {
    const email = uniqueEmail('link');
    const mail = await signUpForMail(verify, { email });
    expect(mail.link).toBe(expectedLink(verify, { redirectTo: CLIENT_URL, ticket: mail.ticket, type: 'emailVerify' }));
    expect(mail.link.startsWith(`${verify.config.server.serverUrl}/verify?redirectTo=`)).toBe(true);
    expect([...new URL(mail.link).searchParams.keys()]).toEqual(['redirectTo', 'ticket', 'type']);
    expect(mail.html).toContain(mail.link);
  });

  it('uses the redirectTo of the options in X-Redirect-To and the link', async () => {
    const email = uniqueEmail('mail-redirect');
    const redirectTo = `${CLIENT_URL}/welcome?step=2#top`;
    const mail = await signUpForMail(verify, { email, options: { redirectTo } });
    expect(mail.redirectTo).toBe(redirectTo);
    expect(mail.headers['x-redirect-to']).toBe(redirectTo);
    expect(mail.link).toBe(expectedLink(verify, { redirectTo, ticket: mail.ticket, type: 'emailVerify' }));
  });

  it('writes the mail in the locale of the options and greets the display name of the options', async () => {
    const email = uniqueEmail('mail-fr');
    const mail = await signUpForMail(m.apps.localized, { email, options: { locale: 'fr', displayName: 'Ada <Lovelace>' } });
    expect(mail.subject).toBe(subjectOf('fr'));
    expect(mail.subject).not.toBe(subjectOf('en'));
    expect(mail.html).toContain('<html lang="fr">');
    // Display names are HTML-escaped in the body.
    expect(mail.html).toContain('Ada &lt;Lovelace&gt;');
    expect((await userRow(m.db, { email }))!.locale).toBe('fr');
  });

  it('falls back to the default locale when the requested one is not allowed', async () => {
    const email = uniqueEmail('mail-de');
    const mail = await signUpForMail(m.apps.localized, { email, options: { locale: 'de', displayName: 'Grace' } });
    expect(mail.subject).toBe(subjectOf('en'));
    expect(mail.html).toContain('Grace');
  });

  it('carries the codeChallenge of the request in the link', async () => {
    const email = uniqueEmail('mail-pkce');
    const codeChallenge = createHash('sha256').update(randomBytes(32).toString('base64url')).digest('base64url');
    const mail = await signUpForMail(verify, { email, codeChallenge });
    expect(mail.link).toBe(expectedLink(verify, { codeChallenge, redirectTo: CLIENT_URL, ticket: mail.ticket, type: 'emailVerify' }));
    expect([...new URL(mail.link).searchParams.keys()]).toEqual(['codeChallenge', 'redirectTo', 'ticket', 'type']);
  });

  it('refuses a malformed codeChallenge at the schema stage, creating no user and sending nothing', async () => {
    const email = uniqueEmail('mail-bad-pkce');
    const res = await signUp(verify, { email, password: PASSWORD, codeChallenge: 'not-a-challenge' });
    expect(res.status).toBe(400);
    expect(Object.keys(res.body)).toEqual(['error']);
    expect(await userRow(g.db, { email })).toBeUndefined();
    expect(verify.mailbox.to(email)).toEqual([]);
  });

  it('sends no mail when AUTH_DISABLE_NEW_USERS creates the user disabled', async () => {
    const email = uniqueEmail('mail-disabled');
    const res = await signUp(m.apps.newUsersDisabled, { email, password: PASSWORD });
    expectSignUpError(res, 401, 'disabled-user');
    expect((await userRow(m.db, { email }))!).toMatchObject({ disabled: true, email_verified: false });
    expect(m.apps.newUsersDisabled.mailbox.to(email)).toEqual([]);
    expect(m.apps.newUsersDisabled.mailbox.messages).toEqual([]);
  });

  it('sends no mail when no verification is required', async () => {
    const email = uniqueEmail('mail-none');
    await signUpWithSession(session, email, PASSWORD);
    expect(session.mailbox.messages).toEqual([]);
  });
});
