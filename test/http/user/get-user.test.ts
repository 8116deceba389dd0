import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectContract, expectError, startTestApp, type TestApp } from '../../support/app.js';
import { createSignedInUser } from '../../support/sessions.js';

describe('GET /user', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { AUTH_ANONYMOUS_USERS_ENABLED: 'true', AUTH_LOCALE_ALLOWED_LOCALES: 'en,fr' } });
  });
  afterAll(() => t.close());

  it("answers the caller's account, not wrapped", async () => {
    const user = await createSignedInUser(t, { signUpOptions: { displayName: 'Ada', locale: 'fr', metadata: { plan: 'pro' } } });
    const res = await t.request('GET', '/user', { token: user.session.accessToken });
    expect(res.status).toBe(200);
    expectContract('getUser', res);
    const created = await t.db.query<{ created_at: Date }>('SELECT created_at FROM auth.users WHERE id = $1', [user.id]);
    expect(res.body).toEqual({
      id: user.id,
      createdAt: new Date(created.rows[0]!.created_at).toISOString(),
      displayName: 'Ada',
      avatarUrl: expect.stringMatching(/^https:\/\/www\.gravatar\.com\/avatar\/[0-9a-f]{32}\?d=blank&r=g$/),
      locale: 'fr',
      email: user.email,
      emailVerified: true,
      phoneNumberVerified: false,
      isAnonymous: false,
      defaultRole: 'user',
      roles: expect.arrayContaining(['me', 'user']),
      metadata: { plan: 'pro' },
      activeMfaType: null,
    });
    expect([...res.body.roles].sort()).toEqual(['me', 'user']);
  });

  it('lists the stored roles only, without adding the default role', async () => {
    const user = await createSignedInUser(t);
    await t.db.query(`DELETE FROM auth.user_roles WHERE user_id = $1 AND role = 'user'`, [user.id]);
    const res = await t.request('GET', '/user', { token: user.session.accessToken });
    expect(res.status).toBe(200);
    expect(res.body.roles).toEqual(['me']);
    expect(res.body.defaultRole).toBe('user');

    await t.db.query('DELETE FROM auth.user_roles WHERE user_id = $1', [user.id]);
    const none = await t.request('GET', '/user', { token: user.session.accessToken });
    expect(none.body.roles).toEqual([]);
    expectContract('getUser', none);
  });

  it('answers {} for SQL NULL metadata and null for JSON null', async () => {
    const user = await createSignedInUser(t);
    await t.db.query('UPDATE auth.users SET metadata = NULL WHERE id = $1', [user.id]);
    const sqlNull = await t.request('GET', '/user', { token: user.session.accessToken });
    expect(sqlNull.status).toBe(200);
    expectContract('getUser', sqlNull);
    expect(sqlNull.body.metadata).toEqual({});

    await t.db.query(`UPDATE auth.users SET metadata = 'null'::jsonb WHERE id = $1`, [user.id]);
    const jsonNull = await t.request('GET', '/user', { token: user.session.accessToken });
    expect(jsonNull.status).toBe(200);
    expectContract('getUser', jsonNull);
    expect(jsonNull.body.metadata).toBeNull();
  });

  it('reports an active TOTP second factor', async () => {
    const user = await createSignedInUser(t);
    await t.db.query(`UPDATE auth.users SET active_mfa_type = 'totp', totp_secret = 'secret' WHERE id = $1`, [user.id]);
    const res = await t.request('GET', '/user', { token: user.session.accessToken });
    expect(res.status).toBe(200);
    expectContract('getUser', res);
    expect(res.body.activeMfaType).toBe('totp');
  });

  it('shows the phone number when there is one and omits a missing e-mail (users without e-mail are served)', async () => {
    const user = await createSignedInUser(t);
    await t.db.query(`UPDATE auth.users SET email = NULL, phone_number = '+15555550123', phone_number_verified = true WHERE id = $1`, [user.id]);
    const res = await t.request('GET', '/user', { token: user.session.accessToken });
    expect(res.status).toBe(200);
    expectContract('getUser', res);
    expect(res.body).not.toHaveProperty('email');
    expect(res.body).toMatchObject({ phoneNumber: '+15555550123', phoneNumberVerified: true });
  });

  it('refuses a disabled user with disabled-user', async () => {
    const user = await createSignedInUser(t);
    await t.db.query('UPDATE auth.users SET disabled = true WHERE id = $1', [user.id]);
    const res = await t.request('GET', '/user', { token: user.session.accessToken });
    expectError(res, 401, 'disabled-user');
    expectContract('getUser', res);
  });

  it('refuses a deleted user with invalid-email-password', async () => {
    const user = await createSignedInUser(t);
    await t.db.query('DELETE FROM auth.users WHERE id = $1', [user.id]);
    const res = await t.request('GET', '/user', { token: user.session.accessToken });
    expectError(res, 401, 'invalid-email-password');
    expectContract('getUser', res);
  });

  it('refuses an unverified user while verification is required', async () => {
    const user = await createSignedInUser(t);
    await t.db.query('UPDATE auth.users SET email_verified = false WHERE id = $1', [user.id]);
    const res = await t.request('GET', '/user', { token: user.session.accessToken });
    expectError(res, 401, 'unverified-user');
    expectContract('getUser', res);
  });

  it('refuses an anonymous user with forbidden-anonymous', async () => {
    const anon = await t.request('POST', '/signin/anonymous', { body: {} });
    const res = await t.request('GET', '/user', { token: anon.body.session.accessToken });
    expectError(res, 403, 'forbidden-anonymous');
    expectContract('getUser', res);
  });

  it('answers 400, not 401, without a bearer token', async () => {
    const res = await t.request('GET', '/user');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'error in openapi3filter.SecurityRequirementsError: security requirements failed: invalid authorization header' });
  });
});
