import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectContract, expectError, startTestApp, type TestApp } from '../../support/app.js';
import { createSignedInUser, elevate, insertSecurityKey, refreshTokenHash, refreshTokenRowById, refreshTokenRows } from '../../support/sessions.js';

const ELEVATION_FAILURE = 'error in openapi3filter.SecurityRequirementsError: security requirements failed: elevated-claim-required';

describe('POST /pat', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { AUTH_ANONYMOUS_USERS_ENABLED: 'true' } });
  });
  afterAll(() => t.close());

  it('creates a PAT row with the chosen expiry and metadata and shows the token once', async () => {
    const user = await createSignedInUser(t);
    const res = await t.request('POST', '/pat', {
      token: user.session.accessToken,
      body: { expiresAt: '2031-05-06T07:08:09Z', metadata: { name: 'ci', scopes: ['deploy'] } },
    });
    expect(res.status).toBe(200);
    expectContract('createPAT', res);
    expect(res.body.id).not.toBe(res.body.personalAccessToken);
    const row = await refreshTokenRowById(t, res.body.id);
    expect(row).toEqual({
      id: res.body.id,
      user_id: user.id,
      type: 'pat',
      refresh_token_hash: refreshTokenHash(res.body.personalAccessToken),
      expires_at: new Date('2031-05-06T07:08:09Z'),
      metadata: { name: 'ci', scopes: ['deploy'] },
    });
    // The caller's own session is untouched.
    expect(await refreshTokenRows(t, user.id)).toHaveLength(2);
  });

  it('stores no metadata when none is given and accepts an expiry in the past and with an offset', async () => {
    const user = await createSignedInUser(t);
    const res = await t.request('POST', '/pat', { token: user.session.accessToken, body: { expiresAt: '2001-01-01T01:00:00+01:00' } });
    expect(res.status).toBe(200);
    expectContract('createPAT', res);
    const row = await refreshTokenRowById(t, res.body.id);
    expect(row).toMatchObject({ type: 'pat', metadata: null, expires_at: new Date('2001-01-01T00:00:00Z') });
  });

  it('refuses an expiry that is not an RFC 3339 date-time', async () => {
    const user = await createSignedInUser(t);
    for (const expiresAt of ['2031-05-06', 'tomorrow', '2031-05-06T07:08:09']) {
      const res = await t.request('POST', '/pat', { token: user.session.accessToken, body: { expiresAt } });
      expect(res.status, expiresAt).toBe(400);
    }
    const missing = await t.request('POST', '/pat', { token: user.session.accessToken, body: {} });
    expect(missing.status).toBe(400);
    expect(await refreshTokenRows(t, user.id)).toHaveLength(1);
  });

  it('refuses an anonymous user with forbidden-anonymous', async () => {
    const anon = await t.request('POST', '/signin/anonymous', { body: {} });
    const res = await t.request('POST', '/pat', { token: anon.body.session.accessToken, body: { expiresAt: '2031-01-01T00:00:00Z' } });
    expectError(res, 403, 'forbidden-anonymous');
    expectContract('createPAT', res);
    expect(await refreshTokenRows(t, anon.body.session.user.id)).toHaveLength(1);
  });

  it('refuses a disabled user with disabled-user', async () => {
    const user = await createSignedInUser(t);
    await t.db.query('UPDATE auth.users SET disabled = true WHERE id = $1', [user.id]);
    const res = await t.request('POST', '/pat', { token: user.session.accessToken, body: { expiresAt: '2031-01-01T00:00:00Z' } });
    expectError(res, 401, 'disabled-user');
    expectContract('createPAT', res);
  });

  it('answers 400 without a bearer token', async () => {
    const res = await t.request('POST', '/pat', { body: { expiresAt: '2031-01-01T00:00:00Z' } });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'error in openapi3filter.SecurityRequirementsError: security requirements failed: invalid authorization header' });
  });
});

describe('POST /pat with AUTH_REQUIRE_ELEVATED_CLAIM=required', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { AUTH_REQUIRE_ELEVATED_CLAIM: 'required' } });
  });
  afterAll(() => t.close());

  it('refuses a token that is not elevated before the handler runs', async () => {
    const user = await createSignedInUser(t);
    const res = await t.request('POST', '/pat', { token: user.session.accessToken, body: { expiresAt: '2031-01-01T00:00:00Z' } });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: ELEVATION_FAILURE });
    expect(await refreshTokenRows(t, user.id)).toHaveLength(1);
  });

  it('creates the PAT with an elevated token', async () => {
    const user = await createSignedInUser(t);
    const res = await t.request('POST', '/pat', { token: await elevate(user.session.accessToken), body: { expiresAt: '2031-01-01T00:00:00Z' } });
    expect(res.status).toBe(200);
    expectContract('createPAT', res);
    expect(await refreshTokenRowById(t, res.body.id)).toMatchObject({ type: 'pat', user_id: user.id });
  });
});

describe('POST /pat with AUTH_REQUIRE_ELEVATED_CLAIM=recommended', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { AUTH_REQUIRE_ELEVATED_CLAIM: 'recommended' } });
  });
  afterAll(() => t.close());

  it('creates the PAT for a user without security keys', async () => {
    const user = await createSignedInUser(t);
    const res = await t.request('POST', '/pat', { token: user.session.accessToken, body: { expiresAt: '2031-01-01T00:00:00Z' } });
    expect(res.status).toBe(200);
    expectContract('createPAT', res);
  });

  it('requires elevation from a user with a security key', async () => {
    const user = await createSignedInUser(t);
    await insertSecurityKey(t, user.id);
    const res = await t.request('POST', '/pat', { token: user.session.accessToken, body: { expiresAt: '2031-01-01T00:00:00Z' } });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: ELEVATION_FAILURE });
    expect(await refreshTokenRows(t, user.id)).toHaveLength(1);

    const elevated = await t.request('POST', '/pat', { token: await elevate(user.session.accessToken), body: { expiresAt: '2031-01-01T00:00:00Z' } });
    expect(elevated.status).toBe(200);
  });
});
