import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectContract, expectError, startTestApp, uniqueEmail, type RequestOptions, type TestApp } from '../../support/app.js';
import { expectValidationFailure, rowCounts, signUpWithSession, STRONG_PASSWORD } from '../../support/system.js';
import { emptyBodies, expectRefused, formMistakes, json } from '../../support/bad-input.js';

const A_UUID = '2c35b6f3-c4b9-48e3-978a-d4d0f1d42e24';

let t: TestApp;
let user: Awaited<ReturnType<typeof signUpWithSession>>;

beforeAll(async () => {
  t = await startTestApp({ env: { AUTH_EMAIL_SIGNIN_EMAIL_VERIFIED_REQUIRED: 'false', AUTH_ANONYMOUS_USERS_ENABLED: 'true' } });
  user = await signUpWithSession(t);
});
afterAll(() => t.close());

describe('POST /signup/email-password', () => {
  const valid = () => ({ email: uniqueEmail('bad-input'), password: STRONG_PASSWORD });
  const withOptions = (options: Record<string, unknown>) => json({ ...valid(), options });

  it.each([
    ...formMistakes(valid),
    ...emptyBodies,
    ['an empty object', () => json({})],
    ['a missing password', () => json({ email: uniqueEmail() })],
    ['a missing email', () => json({ password: STRONG_PASSWORD })],
    ['a numeric password', () => json({ email: uniqueEmail(), password: 123456789 })],
    ['a boolean email', () => json({ email: true, password: STRONG_PASSWORD })],
    ['a null password', () => json({ email: uniqueEmail(), password: null })],
    ['options that are a string', () => json({ ...valid(), options: 'user' })],
    ['null options', () => json({ ...valid(), options: null })],
    ['an unknown property in options', () => withOptions({ color: 'blue' })],
    ['allowedRoles that is a string', () => withOptions({ allowedRoles: 'user' })],
    ['allowedRoles holding a number', () => withOptions({ allowedRoles: ['user', 1] })],
    ['metadata that is an array', () => withOptions({ metadata: [1, 2] })],
    ['metadata that is a string', () => withOptions({ metadata: '{}' })],
    ['null metadata', () => withOptions({ metadata: null })],
    ['a numeric displayName', () => withOptions({ displayName: 5 })],
    ['a numeric redirectTo', () => withOptions({ redirectTo: 5 })],
    ['a password of 51 code points', () => json({ email: uniqueEmail(), password: 'p'.repeat(51) })],
    ['a password of 2 code points', () => json({ email: uniqueEmail(), password: 'pw' })],
    ['a displayName of 33 code points', () => withOptions({ displayName: 'a'.repeat(33) })],
    ['a displayName of 33 emoji', () => withOptions({ displayName: '😀'.repeat(33) })],
    ['an empty displayName', () => withOptions({ displayName: '' })],
    ['a displayName with "&"', () => withOptions({ displayName: 'Tom & Jerry' })],
    ['a displayName with "_"', () => withOptions({ displayName: 'under_score' })],
    ['a displayName with ";"', () => withOptions({ displayName: 'semi;colon' })],
    ['a displayName with a tab', () => withOptions({ displayName: 'tab\there' })],
    ['a locale of 1 character', () => withOptions({ locale: 'e' })],
    ['a locale of 4 characters', () => withOptions({ locale: 'engl' })],
    ['a codeChallenge of 42 characters', () => json({ ...valid(), codeChallenge: 'a'.repeat(42) })],
    ['a codeChallenge with padding', () => json({ ...valid(), codeChallenge: `${'a'.repeat(42)}=` })],
  ] as Array<[string, () => RequestOptions]>)('refuses %s with 400 and writes nothing', async (_name, options) => {
    await expectRefused(t, 'POST', '/signup/email-password', options());
  });

  it.each(['user@localhost', 'no-at-sign', 'user@', '@example.com', 'user@@example.com', 'user name@example.com', 'user@exa mple.com', 'user.@example.com', '.user@example.com', 'user@-example.com', 'user@example.c0m1', ''])(
    'refuses the e-mail %j with 400 and writes nothing',
    async (email) => {
      await expectRefused(t, 'POST', '/signup/email-password', json({ email, password: STRONG_PASSWORD }), undefined);
    },
  );

  it('accepts permissive but valid ASCII e-mail forms', async () => {
    for (const email of [`o'brien+tag-${Date.now()}@sub.example.co.uk`, `a.b!#$%&*=?^_{|}~-${Date.now()}@example.org`]) {
      const res = await t.request('POST', '/signup/email-password', { body: { email, password: STRONG_PASSWORD } });
      expect(res.status, `${email}: ${res.text}`).toBe(200);
      expectContract('signUpEmailPassword', res);
    }
  });

  it('refuses a non-ASCII e-mail the auth.email domain cannot store with 400, not 500 (docs/compat.md B4)', async () => {
    const before = await rowCounts(t.db);
    const res = await t.request('POST', '/signup/email-password', { body: { email: `ünïcödé-${Date.now()}@exämple.com`, password: STRONG_PASSWORD } });
    expectValidationFailure(res);
    expect(await rowCounts(t.db)).toEqual(before);
  });

  it('counts length limits in code points: 32 emoji are a valid displayName, and emoji match the pattern', async () => {
    const displayName = '🦄'.repeat(32); // 64 UTF-16 units, 128 bytes
    const res = await t.request('POST', '/signup/email-password', { body: { ...valid(), options: { displayName } } });
    expect(res.status, res.text).toBe(200);
    expectContract('signUpEmailPassword', res);
    expect(res.body.session.user.displayName).toBe(displayName);
    const row = await t.db.query<{ display_name: string }>('SELECT display_name FROM auth.users WHERE id = $1', [res.body.session.user.id]);
    expect(row.rows[0]!.display_name).toBe(displayName);
  });

  it('stores a unicode display name with letters, digits, symbols and punctuation intact', async () => {
    const displayName = "Zoë O'Brien-Ñúñez, Jr. ✨ 3";
    const res = await t.request('POST', '/signup/email-password', { body: { ...valid(), options: { displayName, locale: 'en' } } });
    expect(res.status, res.text).toBe(200);
    const row = await t.db.query<{ display_name: string }>('SELECT display_name FROM auth.users WHERE id = $1', [res.body.session.user.id]);
    expect(row.rows[0]!.display_name).toBe(displayName);
  });

  it('refuses a body over 1 MiB with 413 and a JSON body, writing nothing', async () => {
    const before = await rowCounts(t.db);
    const res = await t.request('POST', '/signup/email-password', { body: { ...valid(), options: { metadata: { blob: 'x'.repeat(1024 * 1024 + 1) } } } });
    expectValidationFailure(res, { status: 413 });
    expect(await rowCounts(t.db)).toEqual(before);
  });

  it('stores large but acceptable metadata (about 500 KB) intact', async () => {
    const metadata = {
      items: Array.from({ length: 4000 }, (_, i) => ({ index: i, label: `item ${i} ${'ü'.repeat(40)}`, flags: [true, false, null], nested: { n: i / 7 } })),
    };
    const size = Buffer.byteLength(JSON.stringify(metadata));
    expect(size).toBeGreaterThan(450_000);
    expect(size).toBeLessThan(1024 * 1024);
    const res = await t.request('POST', '/signup/email-password', { body: { ...valid(), options: { metadata } } });
    expect(res.status, res.text.slice(0, 200)).toBe(200);
    expect(res.body.session.user.metadata).toEqual(metadata);
    const row = await t.db.query<{ metadata: unknown }>('SELECT metadata FROM auth.users WHERE id = $1', [res.body.session.user.id]);
    expect(row.rows[0]!.metadata).toEqual(metadata);
  });

  it('stores deeply nested metadata intact', async () => {
    let metadata: Record<string, unknown> = { leaf: 'bottom' };
    for (let depth = 0; depth < 200; depth++) metadata = { level: depth, child: metadata, list: [[[depth]]] };
    const res = await t.request('POST', '/signup/email-password', { body: { ...valid(), options: { metadata } } });
    expect(res.status, res.text.slice(0, 200)).toBe(200);
    const row = await t.db.query<{ metadata: unknown }>('SELECT metadata FROM auth.users WHERE id = $1', [res.body.session.user.id]);
    expect(row.rows[0]!.metadata).toEqual(metadata);
  });

  it('refuses absurdly deep JSON with 400 rather than failing with 500', async () => {
    // The reference's JSON decoder stops at 10 000 levels (Go encoding/json), a 400 at the schema stage.
    const depth = 20_000;
    const raw = `{"email":"${uniqueEmail('deep')}","password":"${STRONG_PASSWORD}","options":{"metadata":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}}`;
    await expectRefused(t, 'POST', '/signup/email-password', { raw, contentType: 'application/json' });
  });

  it('accepts a Content-Type with parameters', async () => {
    const res = await t.request('POST', '/signup/email-password', { raw: JSON.stringify(valid()), contentType: 'application/json; charset=utf-8' });
    expect(res.status, res.text).toBe(200);
  });
});

describe('POST /signin/email-password', () => {
  const valid = () => ({ email: user.email, password: STRONG_PASSWORD });

  it.each([
    ...formMistakes(valid),
    ...emptyBodies,
    ['a missing password', () => json({ email: user.email })],
    ['a missing email', () => json({ password: STRONG_PASSWORD })],
    ['a numeric password', () => json({ email: user.email, password: 1234 })],
    ['a null email', () => json({ email: null, password: STRONG_PASSWORD })],
    ['an options object (sign-in has none)', () => json({ ...valid(), options: {} })],
    ['a password of 51 code points', () => json({ email: user.email, password: 'é'.repeat(51) })],
  ] as Array<[string, () => RequestOptions]>)('refuses %s with 400 and writes nothing', async (_name, options) => {
    await expectRefused(t, 'POST', '/signin/email-password', options());
  });

  it.each(['user@localhost', 'no-at-sign'])('refuses the e-mail %j with 400', async (email) => {
    await expectRefused(t, 'POST', '/signin/email-password', json({ email, password: STRONG_PASSWORD }), undefined);
  });

  it('still signs in with the valid body (control)', async () => {
    const res = await t.request('POST', '/signin/email-password', json(valid()));
    expect(res.status, res.text).toBe(200);
  });
});

describe('POST /token', () => {
  const valid = () => ({ refreshToken: A_UUID });

  it.each([
    ...formMistakes(valid),
    ...emptyBodies,
    ['an empty object', () => json({})],
    ['a numeric refreshToken', () => json({ refreshToken: 42 })],
    ['a null refreshToken', () => json({ refreshToken: null })],
    ['a refreshToken that is not a UUID', () => json({ refreshToken: 'not-a-uuid' })],
    ['an upper-case UUID', () => json({ refreshToken: A_UUID.toUpperCase() })],
    ['a UUID without dashes', () => json({ refreshToken: A_UUID.replaceAll('-', '') })],
  ] as Array<[string, () => RequestOptions]>)('refuses %s with 400 and writes nothing', async (_name, options) => {
    await expectRefused(t, 'POST', '/token', options());
  });

  it('lets a UUID with surrounding text through the schema (unanchored pattern, API.md §2.1)', async () => {
    const before = await rowCounts(t.db);
    const res = await t.request('POST', '/token', json({ refreshToken: `token: ${A_UUID} (copied)` }));
    expectError(res, 401, 'invalid-refresh-token');
    expectContract('refreshToken', res);
    expect(await rowCounts(t.db)).toEqual(before);
  });
});

describe('POST /signin/anonymous', () => {
  const valid = () => ({ locale: 'en', displayName: 'Guest' });

  it.each([
    ...formMistakes(valid),
    ['a locale of 1 character', () => json({ locale: 'e' })],
    ['a locale of 4 characters', () => json({ locale: 'engl' })],
    ['a numeric displayName', () => json({ displayName: 7 })],
    ['metadata that is an array', () => json({ metadata: [] })],
    ['null metadata', () => json({ metadata: null })],
    ['an options object (anonymous sign-in has none)', () => json({ options: {} })],
  ] as Array<[string, () => RequestOptions]>)('refuses %s with 400 and writes nothing', async (_name, options) => {
    await expectRefused(t, 'POST', '/signin/anonymous', options());
  });

  it.each([
    ['no body at all', { contentType: null }],
    ['an empty body with Content-Type: application/json', { raw: '', contentType: 'application/json' }],
    ['an empty object', json({})],
  ] as Array<[string, RequestOptions]>)('accepts %s and creates one anonymous user', async (_name, options) => {
    const before = await rowCounts(t.db);
    const res = await t.request('POST', '/signin/anonymous', options);
    expect(res.status, res.text).toBe(200);
    expectContract('signInAnonymous', res);
    const after = await rowCounts(t.db);
    expect(after.users).toBe(before.users + 1);
    const row = await t.db.query<{ is_anonymous: boolean; display_name: string }>('SELECT is_anonymous, display_name FROM auth.users WHERE id = $1', [res.body.session.user.id]);
    expect(row.rows[0]).toEqual({ is_anonymous: true, display_name: 'Anonymous User' });
  });

  it('refuses a body over 1 MiB with 413', async () => {
    const before = await rowCounts(t.db);
    const res = await t.request('POST', '/signin/anonymous', json({ metadata: { blob: 'x'.repeat(2 * 1024 * 1024) } }));
    expectValidationFailure(res, { status: 413 });
    expect(await rowCounts(t.db)).toEqual(before);
  });
});

describe('POST /token/verify', () => {
  it.each([
    ['an empty body with Content-Type: application/json', { raw: '', contentType: 'application/json' }],
    ['no body at all', { contentType: null }],
  ] as Array<[string, RequestOptions]>)('accepts %s and checks the bearer token instead', async (_name, options) => {
    const res = await t.request('POST', '/token/verify', { ...options, token: user.accessToken });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toBe('OK');
    expectContract('verifyToken', res);
    // Without a bearer token there is nothing to check: the handler refuses, not the schema.
    const anonymous = await t.request('POST', '/token/verify', options);
    expectError(anonymous, 400, 'invalid-request');
  });

  it('refuses an unknown property and a non-string token', async () => {
    await expectRefused(t, 'POST', '/token/verify', { ...json({ token: user.accessToken, extra: 1 }), token: user.accessToken });
    await expectRefused(t, 'POST', '/token/verify', json({ token: 5 }));
  });
});

describe('POST /pat', () => {
  const valid = () => ({ expiresAt: '2030-01-01T00:00:00Z', metadata: { purpose: 'ci' } });
  const authed = (options: RequestOptions): RequestOptions => ({ ...options, token: user.accessToken });

  it.each([
    ...formMistakes(valid),
    ...emptyBodies,
    ['a missing expiresAt', () => json({ metadata: {} })],
    ['a numeric expiresAt', () => json({ expiresAt: 1893456000 })],
    ['an expiresAt that is not a date', () => json({ expiresAt: 'tomorrow' })],
    ['an expiresAt without time', () => json({ expiresAt: '2030-01-01' })],
    ['an expiresAt without time zone', () => json({ expiresAt: '2030-01-01T00:00:00' })],
    ['metadata that is an array', () => json({ ...valid(), metadata: ['ci'] })],
    ['null metadata', () => json({ ...valid(), metadata: null })],
  ] as Array<[string, () => RequestOptions]>)('refuses %s with 400 and creates no token', async (_name, options) => {
    const res = await expectRefused(t, 'POST', '/pat', authed(options()), undefined);
    expect(res.body.error).not.toMatch(/SecurityRequirementsError/);
  });

  it('accepts a valid body with an offset time zone (control) and stores its metadata', async () => {
    const res = await t.request('POST', '/pat', authed(json({ expiresAt: '2030-01-01T02:00:00+02:00', metadata: { purpose: 'ci', emoji: '🔑' } })));
    expect(res.status, res.text).toBe(200);
    expectContract('createPAT', res);
    const row = await t.db.query<{ type: string; metadata: unknown; expires_at: Date }>('SELECT type, metadata, expires_at FROM auth.refresh_tokens WHERE id = $1', [res.body.id]);
    expect(row.rows[0]).toEqual({ type: 'pat', metadata: { purpose: 'ci', emoji: '🔑' }, expires_at: new Date('2030-01-01T00:00:00Z') });
  });
});
