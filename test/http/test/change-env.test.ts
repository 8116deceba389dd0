import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectContract, expectError, startTestApp, uniqueEmail, type TestApp } from '../../support/app.js';
import { TEST_PASSWORD, createSignedInUser } from '../../support/sessions.js';

describe('POST /change-env without AUTH_ENABLE_CHANGE_ENV', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('does not exist', async () => {
    const res = await t.request('POST', '/change-env', { body: { AUTH_DISABLE_SIGNUP: true } });
    expect(res.status).toBe(404);
    const signUp = await t.request('POST', '/signup/email-password', { body: { email: uniqueEmail(), password: TEST_PASSWORD } });
    expect(signUp.status).toBe(200);
  });
});

describe('POST /change-env with AUTH_ENABLE_CHANGE_ENV=true', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { AUTH_ENABLE_CHANGE_ENV: 'true', AUTH_EMAIL_SIGNIN_EMAIL_VERIFIED_REQUIRED: 'false' } });
  });
  afterAll(() => t.close());

  async function changeEnv(body: Record<string, unknown>): Promise<void> {
    const res = await t.request('POST', '/change-env', { body });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ message: 'environment changed successfully' });
    expectContract('changeEnv', res);
  }

  function signUp(options?: Record<string, unknown>) {
    return t.request('POST', '/signup/email-password', { body: { email: uniqueEmail('env'), password: TEST_PASSWORD, ...(options ? { options } : {}) } });
  }

  it('disables and re-enables sign-up at run time', async () => {
    await changeEnv({ AUTH_DISABLE_SIGNUP: true });
    const refused = await signUp();
    expectError(refused, 403, 'signup-disabled');
    expectContract('signUpEmailPassword', refused);

    await changeEnv({ AUTH_DISABLE_SIGNUP: false });
    const accepted = await signUp();
    expect(accepted.status).toBe(200);
    expect(accepted.body.session).toBeDefined();
  });

  it('enables anonymous sign-in and keeps the keys it was not given', async () => {
    const before = await t.request('POST', '/signin/anonymous', { body: {} });
    expectError(before, 409, 'disabled-endpoint');

    await changeEnv({ AUTH_ANONYMOUS_USERS_ENABLED: true });
    const after = await t.request('POST', '/signin/anonymous', { body: {} });
    expect(after.status).toBe(200);
    expectContract('signInAnonymous', after);
    // AUTH_EMAIL_SIGNIN_EMAIL_VERIFIED_REQUIRED=false from start-up still holds: sign-up gives a session.
    expect((await signUp()).body.session).toBeDefined();

    await changeEnv({ AUTH_ANONYMOUS_USERS_ENABLED: false });
    expectError(await t.request('POST', '/signin/anonymous', { body: {} }), 409, 'disabled-endpoint');
  });

  it('applies AUTH_DEFAULT_ALLOWED_ROLES given as a JSON array', async () => {
    const me = await signUp({ allowedRoles: ['user', 'me'] });
    expect(me.status).toBe(200);

    await changeEnv({ AUTH_DEFAULT_ALLOWED_ROLES: ['user'] });
    const refused = await signUp({ allowedRoles: ['user', 'me'] });
    expectError(refused, 400, 'role-not-allowed');
    const plain = await signUp();
    expect(plain.status).toBe(200);
    expect(plain.body.session.user.roles).toEqual(['user']);
    const rows = await t.db.query<{ role: string }>('SELECT role FROM auth.user_roles WHERE user_id = $1', [plain.body.session.user.id]);
    expect(rows.rows.map((r) => r.role)).toEqual(['user']);

    await changeEnv({ AUTH_DEFAULT_ALLOWED_ROLES: ['user', 'me'] });
    expect((await signUp({ allowedRoles: ['user', 'me'] })).status).toBe(200);
  });

  it('answers 400 with a validation failure for a body that is not JSON', async () => {
    const res = await t.request('POST', '/change-env', { raw: '{"AUTH_DISABLE_SIGNUP": tru', contentType: 'application/json' });
    expect(res.status).toBe(400);
    expect(typeof res.body.error).toBe('string');
    expectContract('changeEnv', res);
    expect((await signUp()).status).toBe(200);
  });

  it('answers 400 for a body that is not an object or a key of the wrong type', async () => {
    const res = await t.request('POST', '/change-env', { body: { AUTH_DISABLE_SIGNUP: 'yes' } });
    expect(res.status).toBe(400);
    expectContract('changeEnv', res);
    const array = await t.request('POST', '/change-env', { body: [{ AUTH_DISABLE_SIGNUP: true }] });
    expect(array.status).toBe(400);
    expectContract('changeEnv', array);
    expect((await signUp()).status).toBe(200);
  });

  it('ignores keys outside the accepted list (CONFIG.md §19), whatever their value', async () => {
    const user = await createSignedInUser(t);
    await changeEnv({ AUTH_REQUIRE_ELEVATED_CLAIM: 'required' });
    const pat = await t.request('POST', '/pat', { token: user.session.accessToken, body: { expiresAt: '2031-01-01T00:00:00Z' } });
    expect(pat.status).toBe(200);
    await changeEnv({ AUTH_PORT: 'not-a-port' });
    expect((await signUp()).status).toBe(200);
  });
});
