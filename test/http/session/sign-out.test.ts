import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectContract, expectError, startTestApp, type ApiResponse, type TestApp } from '../../support/app.js';
import { createPat, createSignedInUser, refresh, refreshTokenRowById, refreshTokenRows, signIn } from '../../support/sessions.js';

function expectOk(res: ApiResponse): void {
  expect(res.status).toBe(200);
  expect(res.text).toBe('"OK"');
  expectContract('signOut', res);
}

describe('POST /signout', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('revokes the given refresh token: its row is deleted and it no longer refreshes', async () => {
    const user = await createSignedInUser(t);
    const other = await signIn(t, user.email, user.password);
    expectOk(await t.request('POST', '/signout', { body: { refreshToken: user.session.refreshToken } }));
    expect(await refreshTokenRowById(t, user.session.refreshTokenId)).toBeUndefined();
    expectError(await refresh(t, user.session.refreshToken), 401, 'invalid-refresh-token');
    // Only that session ends.
    expect((await refresh(t, other.refreshToken)).status).toBe(200);
  });

  it('ends the session of a token that was already rotated out (docs/compat.md S9)', async () => {
    const user = await createSignedInUser(t);
    const rotated = await refresh(t, user.session.refreshToken);
    expect(rotated.status).toBe(200);
    // The SDK refreshes just before it signs out, then sends the token it had read before.
    expectOk(await t.request('POST', '/signout', { body: { refreshToken: user.session.refreshToken } }));
    expect(await refreshTokenRowById(t, user.session.refreshTokenId)).toBeUndefined();
    expectError(await refresh(t, rotated.body.refreshToken), 401, 'invalid-refresh-token');
  });

  it("revokes another user's token without consulting the bearer token", async () => {
    const caller = await createSignedInUser(t);
    const victim = await createSignedInUser(t);
    expectOk(await t.request('POST', '/signout', { token: caller.session.accessToken, body: { refreshToken: victim.session.refreshToken } }));
    expect(await refreshTokenRowById(t, victim.session.refreshTokenId)).toBeUndefined();
    expect(await refreshTokenRowById(t, caller.session.refreshTokenId)).toBeDefined();
  });

  it('answers "OK" for a token that matches nothing, whatever its format', async () => {
    expectOk(await t.request('POST', '/signout', { body: { refreshToken: '3f0e6b0c-55d4-4f0b-9bd8-0c2f6ad1f0aa' } }));
    expectOk(await t.request('POST', '/signout', { body: { refreshToken: 'not even a uuid' } }));
  });

  it('refuses a missing or empty refresh token with invalid-request', async () => {
    const missing = await t.request('POST', '/signout', { body: {} });
    expectError(missing, 400, 'invalid-request');
    expectContract('signOut', missing);
    const empty = await t.request('POST', '/signout', { body: { refreshToken: '' } });
    expectError(empty, 400, 'invalid-request');
    expectContract('signOut', empty);
    const notAll = await t.request('POST', '/signout', { body: { all: false } });
    expectError(notAll, 400, 'invalid-request');
  });

  it('refuses a missing or empty refresh token even with a valid bearer token', async () => {
    const user = await createSignedInUser(t);
    const res = await t.request('POST', '/signout', { token: user.session.accessToken, body: {} });
    expectError(res, 400, 'invalid-request');
    expect(await refreshTokenRowById(t, user.session.refreshTokenId)).toBeDefined();
  });

  it('accepts properties it does not know (the body is an open object)', async () => {
    const user = await createSignedInUser(t);
    expectOk(await t.request('POST', '/signout', { body: { refreshToken: user.session.refreshToken, device: 'laptop', n: 1 } }));
    expect(await refreshTokenRowById(t, user.session.refreshTokenId)).toBeUndefined();
  });

  it('revokes a personal access token by its value', async () => {
    const user = await createSignedInUser(t);
    const pat = await createPat(t, user.session.accessToken);
    expectOk(await t.request('POST', '/signout', { body: { refreshToken: pat.personalAccessToken } }));
    expect(await refreshTokenRowById(t, pat.id)).toBeUndefined();
    const res = await t.request('POST', '/signin/pat', { body: { personalAccessToken: pat.personalAccessToken } });
    expectError(res, 401, 'invalid-pat');
    expect(await refreshTokenRowById(t, user.session.refreshTokenId)).toBeDefined();
  });

  it("with all: true revokes every refresh token and PAT of the bearer's user, and only theirs", async () => {
    const user = await createSignedInUser(t);
    const second = await signIn(t, user.email, user.password);
    const pat = await createPat(t, user.session.accessToken);
    const bystander = await createSignedInUser(t);
    const bystanderPat = await createPat(t, bystander.session.accessToken);
    expect(await refreshTokenRows(t, user.id)).toHaveLength(3);

    // `refreshToken` is ignored with `all`, even when it names someone else's token.
    expectOk(await t.request('POST', '/signout', {
      token: user.session.accessToken,
      body: { all: true, refreshToken: bystander.session.refreshToken },
    }));
    expect(await refreshTokenRows(t, user.id)).toEqual([]);
    expectError(await refresh(t, second.refreshToken), 401, 'invalid-refresh-token');
    expectError(await t.request('POST', '/signin/pat', { body: { personalAccessToken: pat.personalAccessToken } }), 401, 'invalid-pat');

    const remaining = await refreshTokenRows(t, bystander.id);
    expect(remaining.map((r) => r.id).sort()).toEqual([bystander.session.refreshTokenId, bystanderPat.id].sort());
  });

  it('refuses all: true without a valid bearer token with invalid-request', async () => {
    const user = await createSignedInUser(t);
    const missing = await t.request('POST', '/signout', { body: { all: true, refreshToken: user.session.refreshToken } });
    expectError(missing, 400, 'invalid-request');
    expectContract('signOut', missing);
    const invalid = await t.request('POST', '/signout', { headers: { authorization: 'Bearer nope' }, body: { all: true } });
    expectError(invalid, 400, 'invalid-request');
    expect(await refreshTokenRows(t, user.id)).toHaveLength(1);
  });

  it('refuses a request without a body before the handler runs', async () => {
    const res = await t.request('POST', '/signout');
    expect(res.status).toBe(400);
    expect(typeof res.body.error).toBe('string');
  });
});
