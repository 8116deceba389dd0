import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeJwt, expectContract, expectError, type ApiResponse, type TestApp } from '../../support/app.js';
import { UUID_V4, refreshTokensOf, rolesOf, startAppGroup, storedRefreshTokenHash, userRow, type AppGroup } from '../../support/email-password.js';

type Apps = 'closed' | 'signupDisabled' | 'open' | 'newUsersDisabled';

let g: AppGroup<Apps>;
let open: TestApp;

beforeAll(async () => {
  g = await startAppGroup<Apps>({
    closed: {},
    // Anonymous users stay disabled here: the sign-up gate must answer first.
    signupDisabled: { AUTH_DISABLE_SIGNUP: 'true' },
    // E-mail verification stays required (the default).
    open: { AUTH_ANONYMOUS_USERS_ENABLED: 'true', AUTH_LOCALE_ALLOWED_LOCALES: 'en,fr,fil' },
    newUsersDisabled: { AUTH_ANONYMOUS_USERS_ENABLED: 'true', AUTH_DISABLE_NEW_USERS: 'true' },
  });
  ({ open } = g.apps);
});
afterAll(() => g?.close());

function signInAnonymously(t: TestApp, body?: unknown): Promise<ApiResponse> {
  return t.request('POST', '/signin/anonymous', body === undefined ? {} : { body });
}

async function userCount(): Promise<number> {
  const r = await g.db.query<{ n: number }>('SELECT count(*)::int AS n FROM auth.users');
  return r.rows[0]!.n;
}

describe('POST /signin/anonymous gates', () => {
  it('answers disabled-endpoint while anonymous users are off (the default)', async () => {
    const before = await userCount();
    const res = await signInAnonymously(g.apps.closed);
    expectError(res, 409, 'disabled-endpoint');
    expectContract('signInAnonymous', res);
    expect(await userCount()).toBe(before);
  });

  it('answers signup-disabled first when sign-up is disabled', async () => {
    const res = await signInAnonymously(g.apps.signupDisabled, { displayName: 'Nobody' });
    expectError(res, 403, 'signup-disabled');
    expectContract('signInAnonymous', res);
  });
});

describe('POST /signin/anonymous', () => {
  it('creates an anonymous user and answers its session', async () => {
    g.clock.advance(1000);
    const res = await signInAnonymously(open);
    expect(res.status).toBe(200);
    expectContract('signInAnonymous', res);
    expect(Object.keys(res.body)).toEqual(['session']);
    const s = res.body.session;
    expect(s.accessTokenExpiresIn).toBe(900);
    expect(s.refreshToken).toMatch(UUID_V4);
    expect(s.user).toEqual({
      id: expect.stringMatching(UUID_V4),
      createdAt: expect.any(String),
      displayName: 'Anonymous User',
      avatarUrl: '',
      locale: 'en',
      emailVerified: false,
      phoneNumberVerified: false,
      isAnonymous: true,
      defaultRole: 'anonymous',
      roles: ['anonymous'],
      metadata: null,
      activeMfaType: null,
    });
    expect('email' in s.user).toBe(false);

    const row = (await userRow(g.db, { id: s.user.id }))!;
    expect(row).toMatchObject({
      email: null,
      password_hash: null,
      is_anonymous: true,
      disabled: false,
      default_role: 'anonymous',
      display_name: 'Anonymous User',
      avatar_url: '',
      locale: 'en',
    });
    expect(row.last_seen?.getTime()).toBe(g.clock.now().getTime());
    expect(await rolesOf(g.db, s.user.id)).toEqual(['anonymous']);
    const tokens = await refreshTokensOf(g.db, s.user.id);
    expect(tokens).toHaveLength(1);
    expect(tokens[0]).toMatchObject({ id: s.refreshTokenId, type: 'regular', refresh_token_hash: await storedRefreshTokenHash(g.db, s.refreshToken) });
  });

  it('mints an access token that marks the user anonymous', async () => {
    const s = (await signInAnonymously(open)).body.session;
    const claims = decodeJwt(s.accessToken);
    expect(claims['https://hasura.io/jwt/claims']).toEqual({
      'x-hasura-allowed-roles': ['anonymous'],
      'x-hasura-default-role': 'anonymous',
      'x-hasura-user-id': s.user.id,
      'x-hasura-user-is-anonymous': 'true',
    });
    expect(claims.sub).toBe(s.user.id);
    expect(claims.exp - claims.iat).toBe(900);
  });

  it('uses the display name, locale and metadata sent', async () => {
    const metadata = { source: 'landing', n: 1 };
    const res = await signInAnonymously(open, { displayName: 'Guest #42 (beta)', locale: 'fr', metadata });
    expect(res.status).toBe(200);
    expectContract('signInAnonymous', res);
    expect(res.body.session.user).toMatchObject({ displayName: 'Guest #42 (beta)', locale: 'fr', metadata });
    const row = (await userRow(g.db, { id: res.body.session.user.id }))!;
    expect(row).toMatchObject({ display_name: 'Guest #42 (beta)', locale: 'fr', metadata });
  });

  it('accepts a configured three-letter locale', async () => {
    const res = await signInAnonymously(open, { locale: 'fil' });
    expect(res.body.session.user.locale).toBe('fil');
  });

  it('replaces a locale that is not allowed by the default one', async () => {
    const res = await signInAnonymously(open, { locale: 'de' });
    expect(res.status).toBe(200);
    expect(res.body.session.user.locale).toBe('en');
    expect((await userRow(g.db, { id: res.body.session.user.id }))!.locale).toBe('en');
  });

  it('accepts no body, an empty object, and an empty JSON body', async () => {
    const answers = [
      await signInAnonymously(open),
      await signInAnonymously(open, {}),
      await open.request('POST', '/signin/anonymous', { raw: '', contentType: 'application/json' }),
    ];
    for (const res of answers) {
      expect(res.status, res.text).toBe(200);
      expectContract('signInAnonymous', res);
      expect(res.body.session.user.isAnonymous).toBe(true);
    }
    expect(new Set(answers.map((res) => res.body.session.user.id)).size).toBe(3);
  });

  it('is not affected by AUTH_DISABLE_NEW_USERS', async () => {
    const res = await signInAnonymously(g.apps.newUsersDisabled);
    expect(res.status).toBe(200);
    expectContract('signInAnonymous', res);
    expect((await userRow(g.db, { id: res.body.session.user.id }))!.disabled).toBe(false);
  });

  it('lets the anonymous user refresh although e-mail verification is required', async () => {
    // Deliberate difference: the reference refused this refresh with unverified-user.
    const s = (await signInAnonymously(open)).body.session;
    const res = await open.request('POST', '/token', { body: { refreshToken: s.refreshToken } });
    expect(res.status, res.text).toBe(200);
    expectContract('refreshToken', res);
    expect(res.body.refreshTokenId).toBe(s.refreshTokenId);
    expect(res.body.user).toMatchObject({ id: s.user.id, isAnonymous: true, roles: ['anonymous'] });
    expect(decodeJwt(res.body.accessToken)['https://hasura.io/jwt/claims']['x-hasura-user-is-anonymous']).toBe('true');
  });

  it('gives a token that GET /user refuses with forbidden-anonymous', async () => {
    const s = (await signInAnonymously(open)).body.session;
    const res = await open.request('GET', '/user', { token: s.accessToken });
    expectError(res, 403, 'forbidden-anonymous');
    expectContract('getUser', res);
  });
});
