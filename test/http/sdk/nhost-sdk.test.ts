import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { decodeJwt, expectContract, expectError, startTestApp, uniqueEmail, type TestApp } from '../../support/app.js';
import type { TestDatabase } from '../../support/database.js';
import { createSdk, sdkFailure, sdkResponse, storedSession, storedTokenHash, type SdkHarness } from '../../support/sdk.js';

// The official client (@nhost/nhost-js 4.x, createClient with its default middleware) against
// Latchkey served under /v1, as API-NEWER.md §5 describes it. Every journey also checks the rows.

const ENV = {
  AUTH_API_PREFIX: '/v1',
  AUTH_EMAIL_SIGNIN_EMAIL_VERIFIED_REQUIRED: 'false',
  AUTH_ANONYMOUS_USERS_ENABLED: 'true',
  AUTH_LOCALE_ALLOWED_LOCALES: 'en,fr',
};
const PASSWORD = 'sdk-Passw0rd!';

interface TokenRow {
  id: string;
  user_id: string;
  type: string;
  refresh_token_hash: string;
}

async function tokenRows(t: TestApp, userId: string): Promise<TokenRow[]> {
  const { rows } = await t.db.query<TokenRow>(
    'SELECT id, user_id, type, refresh_token_hash FROM auth.refresh_tokens WHERE user_id = $1 ORDER BY created_at, id',
    [userId],
  );
  return rows;
}

async function tokenRow(t: TestApp, id: string): Promise<TokenRow | undefined> {
  const { rows } = await t.db.query<TokenRow>('SELECT id, user_id, type, refresh_token_hash FROM auth.refresh_tokens WHERE id = $1', [id]);
  return rows[0];
}

/** A user created through the SDK; returns the client holding its session. */
async function signUpWithSdk(t: TestApp, email = uniqueEmail('sdk')): Promise<{ sdk: SdkHarness; email: string; userId: string }> {
  const sdk = createSdk(t.baseUrl);
  const res = await sdk.nhost.auth.signUpEmailPassword({ email, password: PASSWORD });
  return { sdk, email, userId: res.body.session!.user!.id };
}

let main: TestApp & { database: TestDatabase };
/** A second instance on the same database, with 30-second access tokens. */
let shortLived: TestApp;
beforeAll(async () => {
  main = await startTestApp({ env: ENV });
  shortLived = await startTestApp({ database: main.database, env: { ...ENV, AUTH_ACCESS_TOKEN_EXPIRES_IN: '30' } });
});
afterAll(async () => {
  await shortLived?.close();
  await main?.close();
});

describe('@nhost/nhost-js against Latchkey', () => {
  let t: TestApp;
  beforeAll(() => {
    t = main;
  });

  it('signs up with email and password, keeps the session and creates the user with its refresh token', async () => {
    const sdk = createSdk(t.baseUrl);
    const email = uniqueEmail('sdk-signup');

    const res = await sdk.nhost.auth.signUpEmailPassword({ email, password: PASSWORD, options: { displayName: 'Sdk User', locale: 'fr' } });

    expect(res.status).toBe(200);
    expectContract('signUpEmailPassword', sdkResponse(res));
    const session = res.body.session!;
    expect(session.user).toMatchObject({ email, displayName: 'Sdk User', locale: 'fr', defaultRole: 'user', isAnonymous: false });
    const stored = storedSession(sdk);
    expect(stored.accessToken).toBe(session.accessToken);
    expect(stored.refreshToken).toBe(session.refreshToken);
    // The SDK decodes the access token itself: exp in ms, Hasura claims readable.
    expect(stored.decodedToken.exp).toBe(decodeJwt(session.accessToken).exp * 1000);
    expect(stored.decodedToken['https://hasura.io/jwt/claims']).toMatchObject({ 'x-hasura-user-id': session.user!.id, 'x-hasura-default-role': 'user' });

    const { rows: users } = await t.db.query<{ email: string; password_hash: string; display_name: string; locale: string; is_anonymous: boolean }>(
      'SELECT email, password_hash, display_name, locale, is_anonymous FROM auth.users WHERE id = $1',
      [session.user!.id],
    );
    expect(users).toEqual([{ email, password_hash: expect.stringMatching(/^\$2[aby]\$/), display_name: 'Sdk User', locale: 'fr', is_anonymous: false }]);
    expect(await tokenRows(t, session.user!.id)).toEqual([
      { id: session.refreshTokenId, user_id: session.user!.id, type: 'regular', refresh_token_hash: storedTokenHash(session.refreshToken) },
    ]);
  });

  it('signs in with email and password and keeps the new session', async () => {
    const { email, userId } = await signUpWithSdk(t);
    const sdk = createSdk(t.baseUrl);

    const res = await sdk.nhost.auth.signInEmailPassword({ email, password: PASSWORD });

    expect(res.status).toBe(200);
    expectContract('signInEmailPassword', sdkResponse(res));
    const session = res.body.session!;
    expect(res.body.mfa ?? null).toBeNull();
    expect(session.user!.id).toBe(userId);
    expect(storedSession(sdk).refreshToken).toBe(session.refreshToken);
    expect(await tokenRow(t, session.refreshTokenId)).toEqual({
      id: session.refreshTokenId,
      user_id: userId,
      type: 'regular',
      refresh_token_hash: storedTokenHash(session.refreshToken),
    });
  });

  it('refreshes through auth.refreshToken, and the SDK stores the rotated session from the answer', async () => {
    const { sdk, userId } = await signUpWithSdk(t);
    const before = storedSession(sdk);

    const res = await sdk.nhost.auth.refreshToken({ refreshToken: before.refreshToken });

    expect(res.status).toBe(200);
    expectContract('refreshToken', sdkResponse(res));
    expect(res.body.refreshToken).not.toBe(before.refreshToken);
    expect(res.body.refreshTokenId).toBe(before.refreshTokenId);
    // The middleware captures a /token answer only when it carries accessToken, refreshToken AND user.
    expect(res.body.user).toMatchObject({ id: userId });
    const after = storedSession(sdk);
    expect(after.refreshToken).toBe(res.body.refreshToken);
    expect(after.accessToken).toBe(res.body.accessToken);
    expect(await tokenRow(t, before.refreshTokenId)).toMatchObject({ user_id: userId, refresh_token_hash: storedTokenHash(res.body.refreshToken) });
  });

  it('refreshes the stored session on nhost.refreshSession(0)', async () => {
    const { sdk, userId } = await signUpWithSdk(t);
    const before = storedSession(sdk);
    sdk.calls.length = 0;

    const refreshed = await sdk.nhost.refreshSession(0);

    expect(refreshed).not.toBeNull();
    expect(sdk.calls).toEqual([
      expect.objectContaining({ method: 'POST', path: '/v1/token', body: { refreshToken: before.refreshToken }, status: 200 }),
    ]);
    expect(refreshed!.refreshToken).not.toBe(before.refreshToken);
    expect(storedSession(sdk).refreshToken).toBe(refreshed!.refreshToken);
    expect(await tokenRows(t, userId)).toEqual([
      { id: before.refreshTokenId, user_id: userId, type: 'regular', refresh_token_hash: storedTokenHash(refreshed!.refreshToken) },
    ]);
  });

  it('gets the signed-in user, with the stored access token attached by the SDK', async () => {
    const { sdk, email, userId } = await signUpWithSdk(t);
    sdk.calls.length = 0;

    const res = await sdk.nhost.auth.getUser();

    expect(res.status).toBe(200);
    expectContract('getUser', sdkResponse(res));
    expect(res.body).toMatchObject({ id: userId, email, defaultRole: 'user', roles: expect.arrayContaining(['user', 'me']), isAnonymous: false, emailVerified: false });
    expect(sdk.calls).toEqual([
      expect.objectContaining({ method: 'GET', path: '/v1/user', authorization: `Bearer ${storedSession(sdk).accessToken}`, status: 200 }),
    ]);
  });

  it('changes the password: the new one signs in, the old one is refused, the caller keeps its session', async () => {
    const { sdk, email, userId } = await signUpWithSdk(t);
    const other = createSdk(t.baseUrl);
    await other.nhost.auth.signInEmailPassword({ email, password: PASSWORD });
    const otherSession = storedSession(other);
    const passwordHashOf = async (): Promise<string | undefined> =>
      (await t.db.query<{ password_hash: string }>('SELECT password_hash FROM auth.users WHERE id = $1', [userId])).rows[0]?.password_hash;
    const oldHash = await passwordHashOf();

    const res = await sdk.nhost.auth.changeUserPassword({ newPassword: 'new-Passw0rd!' });

    expect(res.status).toBe(200);
    expect(res.body).toBe('OK');
    expectContract('changeUserPassword', sdkResponse(res));
    const newHash = await passwordHashOf();
    expect(newHash).toMatch(/^\$2[aby]\$/);
    expect(newHash).not.toBe(oldHash);

    const fresh = createSdk(t.baseUrl);
    const refused = await sdkFailure(fresh.nhost.auth.signInEmailPassword({ email, password: PASSWORD }));
    expect(refused.error.status).toBe(401);
    expect(refused.error.body).toMatchObject({ error: 'invalid-email-password' });
    const signedIn = await fresh.nhost.auth.signInEmailPassword({ email, password: 'new-Passw0rd!' });
    expect(signedIn.body.session!.user!.id).toBe(userId);

    // Latchkey revokes the user's other sessions on a password change, not the caller's.
    expect(await sdk.nhost.refreshSession(0)).not.toBeNull();
    const stale = await sdkFailure(other.nhost.auth.refreshToken({ refreshToken: otherSession.refreshToken }));
    expect(stale.error.status).toBe(401);
    expect(stale.error.body).toMatchObject({ error: 'invalid-refresh-token' });
    expect(await tokenRow(t, otherSession.refreshTokenId)).toBeUndefined();
  });

  it('signs out: the SDK clears its session and the refresh token row is deleted', async () => {
    const { sdk } = await signUpWithSdk(t);
    const session = storedSession(sdk);

    const res = await sdk.nhost.auth.signOut({ refreshToken: session.refreshToken });

    expect(res.status).toBe(200);
    expect(res.body).toBe('OK');
    expectContract('signOut', sdkResponse(res));
    expect(sdk.nhost.getUserSession()).toBeNull();
    expect(await tokenRow(t, session.refreshTokenId)).toBeUndefined();
    const refresh = await t.request('POST', '/token', { body: { refreshToken: session.refreshToken } });
    expectError(refresh, 401, 'invalid-refresh-token');
  });

  it('signs out everywhere with all: true, authenticated by the bearer token the SDK attaches', async () => {
    const { sdk, email, userId } = await signUpWithSdk(t);
    await createSdk(t.baseUrl).nhost.auth.signInEmailPassword({ email, password: PASSWORD });
    expect(await tokenRows(t, userId)).toHaveLength(2);
    sdk.calls.length = 0;

    const res = await sdk.nhost.auth.signOut({ all: true });

    expect(res.body).toBe('OK');
    expect(sdk.calls[0]).toMatchObject({ path: '/v1/signout', authorization: expect.stringMatching(/^Bearer /) });
    expect(sdk.nhost.getUserSession()).toBeNull();
    expect(await tokenRows(t, userId)).toEqual([]);
  });

  it('signs in anonymously, deanonymizes with email and password, then signs in with that email', async () => {
    const sdk = createSdk(t.baseUrl);

    const anonymous = await sdk.nhost.auth.signInAnonymous();

    expectContract('signInAnonymous', sdkResponse(anonymous));
    // The SDK sends the JSON content type with no body at all for the optional body.
    expect(sdk.calls[0]).toMatchObject({ method: 'POST', path: '/v1/signin/anonymous', contentType: 'application/json', body: undefined, status: 200 });
    const userId = anonymous.body.session!.user!.id;
    expect(anonymous.body.session!.user).toMatchObject({ isAnonymous: true, defaultRole: 'anonymous' });
    expect(storedSession(sdk).decodedToken['https://hasura.io/jwt/claims']).toMatchObject({ 'x-hasura-user-is-anonymous': 'true' });
    const before = await t.db.query('SELECT email, is_anonymous, default_role FROM auth.users WHERE id = $1', [userId]);
    expect(before.rows).toEqual([{ email: null, is_anonymous: true, default_role: 'anonymous' }]);

    const email = uniqueEmail('sdk-deanon');
    const res = await sdk.nhost.auth.deanonymizeUser({ signInMethod: 'email-password', email, password: PASSWORD });

    expect(res.body).toBe('OK');
    expectContract('deanonymizeUser', sdkResponse(res));
    const after = await t.db.query('SELECT email, is_anonymous, default_role FROM auth.users WHERE id = $1', [userId]);
    expect(after.rows).toEqual([{ email, is_anonymous: false, default_role: 'user' }]);
    const { rows: roles } = await t.db.query<{ role: string }>('SELECT role FROM auth.user_roles WHERE user_id = $1 ORDER BY role', [userId]);
    expect(roles.map((r) => r.role)).toEqual(['me', 'user']);
    // Without verification the anonymous session lives on, now as the real user.
    expect(await sdk.nhost.refreshSession(0)).not.toBeNull();
    expect(storedSession(sdk).decodedToken['https://hasura.io/jwt/claims']).toMatchObject({ 'x-hasura-user-is-anonymous': 'false', 'x-hasura-default-role': 'user' });

    const other = createSdk(t.baseUrl);
    const signedIn = await other.nhost.auth.signInEmailPassword({ email, password: PASSWORD });
    expect(signedIn.body.session!.user).toMatchObject({ id: userId, email, isAnonymous: false });
  });

  it('creates a personal access token and signs in with it from another client', async () => {
    const { sdk, userId } = await signUpWithSdk(t);
    const expiresAt = new Date(t.clock.now().getTime() + 7 * 24 * 3600 * 1000).toISOString();

    const created = await sdk.nhost.auth.createPAT({ expiresAt, metadata: { purpose: 'ci' } });

    expectContract('createPAT', sdkResponse(created));
    const { id, personalAccessToken } = created.body;
    const { rows: pats } = await t.db.query<{ type: string; refresh_token_hash: string; metadata: unknown; expires_at: Date }>(
      'SELECT type, refresh_token_hash, metadata, expires_at FROM auth.refresh_tokens WHERE id = $1',
      [id],
    );
    expect(pats).toEqual([{ type: 'pat', refresh_token_hash: storedTokenHash(personalAccessToken), metadata: { purpose: 'ci' }, expires_at: new Date(expiresAt) }]);

    const other = createSdk(t.baseUrl);
    const res = await other.nhost.auth.signInPAT({ personalAccessToken });

    expectContract('signInPAT', sdkResponse(res));
    const session = res.body.session!;
    expect(session.user!.id).toBe(userId);
    expect(storedSession(other).refreshToken).toBe(session.refreshToken);
    expect(await tokenRow(t, session.refreshTokenId)).toMatchObject({ type: 'regular', refresh_token_hash: storedTokenHash(session.refreshToken) });
    // The PAT itself is unchanged and can be used again.
    expect(await tokenRow(t, id)).toMatchObject({ type: 'pat', refresh_token_hash: storedTokenHash(personalAccessToken) });
  });

  it('answers the SDK health, version, JWKS and token verification calls', async () => {
    const { sdk } = await signUpWithSdk(t);
    sdk.calls.length = 0;

    const health = await sdk.nhost.auth.healthCheckGet();
    expect(health.body).toBe('OK');
    expect((await sdk.nhost.auth.healthCheckHead()).status).toBe(200);
    const version = await sdk.nhost.auth.getVersion();
    expectContract('getVersion', sdkResponse(version));
    const jwks = await sdk.nhost.auth.getJWKs();
    expectContract('getJWKs', sdkResponse(jwks));
    expect(jwks.body).toEqual({ keys: [] }); // HMAC key only
    // No body: the SDK's bearer token is verified, including the user's state.
    const byBearer = await sdk.nhost.auth.verifyToken();
    expect(byBearer.body).toBe('OK');
    expectContract('verifyToken', sdkResponse(byBearer));
    const byBody = await sdk.nhost.auth.verifyToken({ token: storedSession(sdk).accessToken });
    expect(byBody.body).toBe('OK');

    expect(sdk.calls.find((c) => c.path === '/v1/token/verify')).toMatchObject({ contentType: 'application/json', body: undefined, authorization: expect.stringMatching(/^Bearer /) });
  });

  it('rejects a wrong password with a FetchError carrying status 401 and invalid-email-password', async () => {
    const { email } = await signUpWithSdk(t);
    const sdk = createSdk(t.baseUrl);

    const { error, response } = await sdkFailure(sdk.nhost.auth.signInEmailPassword({ email, password: 'wrong-Passw0rd!' }));

    expect(error.status).toBe(401);
    expect(error.body).toEqual({ status: 401, error: 'invalid-email-password', message: 'Incorrect email or password' });
    // The SDK shows `message` first.
    expect(error.message).toBe('Incorrect email or password');
    expectContract('signInEmailPassword', response);
    expect(sdk.nhost.getUserSession()).toBeNull();
  });

  it('rejects a malformed request with a FetchError whose message is the validation text', async () => {
    const sdk = createSdk(t.baseUrl);

    const { error } = await sdkFailure(sdk.nhost.auth.signInEmailPassword({ email: 'not-an-email', password: PASSWORD }));

    expect(error.status).toBe(400);
    expect(error.body).toEqual({ error: expect.stringContaining('request body has an error') });
    expect(error.message).toBe(error.body.error);
  });
});

describe('the SDK refresh middleware with 30-second access tokens', () => {
  let t: TestApp;
  beforeAll(() => {
    t = shortLived;
  });

  /** Signs in a new client with the server clock at `at` (default: the real time, which the SDK reads). */
  async function signedInClient(at = new Date()): Promise<{ sdk: SdkHarness; userId: string }> {
    t.clock.set(at);
    const email = uniqueEmail('sdk-mw');
    const signUp = await t.request('POST', '/signup/email-password', { body: { email, password: PASSWORD } });
    const sdk = createSdk(t.baseUrl);
    await sdk.nhost.auth.signInEmailPassword({ email, password: PASSWORD });
    sdk.calls.length = 0;
    return { sdk, userId: signUp.body.session.user.id };
  }

  it('refreshes before a request when the access token is about to expire, so the request succeeds after the old token expired', async () => {
    const { sdk, userId } = await signedInClient();
    const before = storedSession(sdk);
    t.clock.advance(31_000);
    // The old access token is now refused by the server: without the refresh the call would fail.
    expect((await t.request('GET', '/user', { token: before.accessToken })).status).toBe(400);

    const res = await sdk.nhost.auth.getUser();

    expect(res.status).toBe(200);
    expect(res.body.id).toBe(userId);
    const after = storedSession(sdk);
    expect(after.refreshToken).not.toBe(before.refreshToken);
    expect(decodeJwt(after.accessToken).exp).toBe(Math.floor(t.clock.now().getTime() / 1000) + 30);
    expect(sdk.calls).toEqual([
      // The SDK attaches its stale bearer to POST /token too; the server must ignore it.
      expect.objectContaining({ method: 'POST', path: '/v1/token', authorization: `Bearer ${before.accessToken}`, body: { refreshToken: before.refreshToken }, status: 200 }),
      expect.objectContaining({ method: 'GET', path: '/v1/user', authorization: `Bearer ${after.accessToken}`, status: 200 }),
    ]);
    expect(await tokenRow(t, before.refreshTokenId)).toMatchObject({ user_id: userId, refresh_token_hash: storedTokenHash(after.refreshToken) });
  });

  it('lets two concurrent requests refresh one token at once: both refreshes get the same new token', async () => {
    const { sdk, userId } = await signedInClient();
    const before = storedSession(sdk);
    t.clock.advance(31_000);

    const [first, second] = await Promise.all([sdk.nhost.auth.getUser(), sdk.nhost.auth.getUser()]);

    expect([first.status, second.status]).toEqual([200, 200]);
    const refreshes = sdk.calls.filter((c) => c.path === '/v1/token');
    // Node has no navigator.locks, so the SDK's lock does not serialise the two refreshes.
    expect(refreshes).toEqual([
      expect.objectContaining({ body: { refreshToken: before.refreshToken }, status: 200 }),
      expect.objectContaining({ body: { refreshToken: before.refreshToken }, status: 200 }),
    ]);
    const after = storedSession(sdk);
    expect(await tokenRow(t, before.refreshTokenId)).toEqual({
      id: before.refreshTokenId,
      user_id: userId,
      type: 'regular',
      refresh_token_hash: storedTokenHash(after.refreshToken),
    });
    // The session was not mistaken for a stolen one: it keeps refreshing.
    const next = await sdk.nhost.auth.refreshToken({ refreshToken: after.refreshToken });
    expect(next.status).toBe(200);
  });

  it('drops the stored session when the server answers its refresh with 401 after the session was revoked', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      // Minted two minutes in the past, so the SDK (which reads the real clock) sees it expired.
      const { sdk } = await signedInClient(new Date(Date.now() - 120_000));
      const session = storedSession(sdk);
      const revoke = await t.request('POST', '/signout', { body: { all: true }, token: session.accessToken });
      expect(revoke.status).toBe(200);
      t.clock.set(new Date());

      const failure = await sdkFailure(sdk.nhost.auth.getUser());

      expect(sdk.nhost.getUserSession()).toBeNull();
      // Two refresh attempts (the SDK retries once), both refused with 401; then the request goes out bare.
      expect(sdk.calls.map((c) => [c.method, c.path, c.status])).toEqual([
        ['POST', '/v1/token', 401],
        ['POST', '/v1/token', 401],
        ['GET', '/v1/user', 400],
      ]);
      expect(sdk.calls[2]!.authorization).toBeNull();
      expect(failure.error.status).toBe(400);
    } finally {
      t.clock.set(new Date());
      warn.mockRestore();
      error.mockRestore();
    }
  });
});
