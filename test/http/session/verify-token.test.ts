import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeJwt, expectContract, expectError, startTestApp, type ApiResponse, type TestApp } from '../../support/app.js';
import { createSignedInUser } from '../../support/sessions.js';

function expectOk(res: ApiResponse): void {
  expect(res.status).toBe(200);
  expect(res.text).toBe('"OK"');
  expectContract('verifyToken', res);
}

describe('POST /token/verify', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { AUTH_ANONYMOUS_USERS_ENABLED: 'true' } });
  });
  afterAll(() => t.close());

  it('accepts a valid access token given in the body', async () => {
    const { session } = await createSignedInUser(t);
    expectOk(await t.request('POST', '/token/verify', { body: { token: session.accessToken } }));
  });

  it('strips a leading "Bearer " from the body token', async () => {
    const { session } = await createSignedInUser(t);
    expectOk(await t.request('POST', '/token/verify', { body: { token: `Bearer ${session.accessToken}` } }));
  });

  it('refuses a body token that is not a valid JWT with invalid-request', async () => {
    const res = await t.request('POST', '/token/verify', { body: { token: 'not-a-jwt' } });
    expectError(res, 400, 'invalid-request');
    expectContract('verifyToken', res);
  });

  it('refuses a body token whose signature does not verify', async () => {
    const { session } = await createSignedInUser(t);
    const forged = await new SignJWT(decodeJwt(session.accessToken))
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .sign(new TextEncoder().encode('another-key-that-is-long-enough-for-hs256-0123456789'));
    const res = await t.request('POST', '/token/verify', { body: { token: forged } });
    expectError(res, 400, 'invalid-request');
    expectContract('verifyToken', res);
  });

  it('checks only the body token, even when the Authorization header is valid', async () => {
    const { session } = await createSignedInUser(t);
    const res = await t.request('POST', '/token/verify', { token: session.accessToken, body: { token: 'not-a-jwt' } });
    expectError(res, 400, 'invalid-request');
  });

  it("does not consult the user's state for a body token", async () => {
    const { id, session } = await createSignedInUser(t);
    await t.db.query('UPDATE auth.users SET disabled = true WHERE id = $1', [id]);
    expectOk(await t.request('POST', '/token/verify', { body: { token: session.accessToken } }));
    const anon = await t.request('POST', '/signin/anonymous', { body: {} });
    expectOk(await t.request('POST', '/token/verify', { body: { token: anon.body.session.accessToken } }));
  });

  it('checks the bearer token when there is no body', async () => {
    const { session } = await createSignedInUser(t);
    expectOk(await t.request('POST', '/token/verify', { token: session.accessToken }));
  });

  it('checks the bearer token when the body is an empty object', async () => {
    const { session } = await createSignedInUser(t);
    expectOk(await t.request('POST', '/token/verify', { token: session.accessToken, body: {} }));
  });

  it("refuses an anonymous user's own bearer token with forbidden-anonymous", async () => {
    const anon = await t.request('POST', '/signin/anonymous', { body: {} });
    const res = await t.request('POST', '/token/verify', { token: anon.body.session.accessToken });
    expectError(res, 403, 'forbidden-anonymous');
    expectContract('verifyToken', res);
  });

  it('applies the user checks to a bearer token: disabled and deleted users are refused', async () => {
    const disabled = await createSignedInUser(t);
    await t.db.query('UPDATE auth.users SET disabled = true WHERE id = $1', [disabled.id]);
    const res = await t.request('POST', '/token/verify', { token: disabled.session.accessToken });
    expectError(res, 401, 'disabled-user');
    expectContract('verifyToken', res);

    const deleted = await createSignedInUser(t);
    await t.db.query('DELETE FROM auth.users WHERE id = $1', [deleted.id]);
    const gone = await t.request('POST', '/token/verify', { token: deleted.session.accessToken });
    expectError(gone, 401, 'invalid-email-password');
    expectContract('verifyToken', gone);
  });

  it('refuses a request without any token with invalid-request', async () => {
    const res = await t.request('POST', '/token/verify');
    expectError(res, 400, 'invalid-request');
    expectContract('verifyToken', res);
    const empty = await t.request('POST', '/token/verify', { body: {} });
    expectError(empty, 400, 'invalid-request');
  });

  it('treats an invalid bearer token as absent', async () => {
    const res = await t.request('POST', '/token/verify', { headers: { authorization: 'Bearer not-a-jwt' } });
    expectError(res, 400, 'invalid-request');
    expectContract('verifyToken', res);
  });

  it('refuses an expired token, in the body or as bearer', async () => {
    const { session } = await createSignedInUser(t);
    expectOk(await t.request('POST', '/token/verify', { body: { token: session.accessToken } }));
    t.clock.advance(901_000);
    const body = await t.request('POST', '/token/verify', { body: { token: session.accessToken } });
    expectError(body, 400, 'invalid-request');
    expectContract('verifyToken', body);
    const header = await t.request('POST', '/token/verify', { token: session.accessToken });
    expectError(header, 400, 'invalid-request');
  });
});
