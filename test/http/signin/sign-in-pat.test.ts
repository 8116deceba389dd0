import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeJwt, expectContract, expectError, startTestApp, type TestApp } from '../../support/app.js';
import { CLAIMS, createPat, createSignedInUser, refresh, refreshTokenHash, refreshTokenRowById, refreshTokenRows } from '../../support/sessions.js';

const HOUR_MS = 60 * 60 * 1000;

describe('POST /signin/pat', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  function signInWithPat(personalAccessToken: string) {
    return t.request('POST', '/signin/pat', { body: { personalAccessToken } });
  }

  it('starts a new regular session and leaves the PAT untouched', async () => {
    const user = await createSignedInUser(t);
    const pat = await createPat(t, user.session.accessToken, { expiresAt: '2031-01-01T00:00:00Z', metadata: { name: 'cli' } });
    const patBefore = await refreshTokenRowById(t, pat.id);
    t.clock.advance(60_000);

    const res = await signInWithPat(pat.personalAccessToken);
    expect(res.status).toBe(200);
    expectContract('signInPAT', res);
    const session = res.body.session;
    expect(session.refreshToken).not.toBe(pat.personalAccessToken);
    expect(session.refreshTokenId).not.toBe(pat.id);
    expect(session.user).toMatchObject({ id: user.id, email: user.email, isAnonymous: false });
    expect([...session.user.roles].sort()).toEqual(['me', 'user']);
    const payload = decodeJwt(session.accessToken);
    expect(payload.sub).toBe(user.id);
    expect(payload.sid).toBe(session.refreshTokenId);
    expect(payload[CLAIMS]).not.toHaveProperty('x-hasura-auth-elevated');

    expect(await refreshTokenRowById(t, pat.id)).toEqual(patBefore);
    const row = await refreshTokenRowById(t, session.refreshTokenId);
    expect(row).toMatchObject({ user_id: user.id, type: 'regular', metadata: null, refresh_token_hash: refreshTokenHash(session.refreshToken) });
    expect(row!.expires_at.getTime()).toBe(t.clock.now().getTime() + 2_592_000_000);
    const seen = await t.db.query<{ last_seen: Date }>('SELECT last_seen FROM auth.users WHERE id = $1', [user.id]);
    expect(new Date(seen.rows[0]!.last_seen).getTime()).toBe(t.clock.now().getTime());

    expect((await refresh(t, session.refreshToken)).status).toBe(200);
  });

  it('can be used again and again until it expires', async () => {
    const user = await createSignedInUser(t);
    const pat = await createPat(t, user.session.accessToken);
    const first = await signInWithPat(pat.personalAccessToken);
    const second = await signInWithPat(pat.personalAccessToken);
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(second.body.session.refreshTokenId).not.toBe(first.body.session.refreshTokenId);
    expect((await refreshTokenRows(t, user.id)).map((r) => r.type).sort()).toEqual(['pat', 'regular', 'regular', 'regular']);
  });

  it('refuses an expired PAT with invalid-pat', async () => {
    const user = await createSignedInUser(t);
    const pat = await createPat(t, user.session.accessToken, { expiresAt: new Date(t.clock.now().getTime() + HOUR_MS).toISOString() });
    expect((await signInWithPat(pat.personalAccessToken)).status).toBe(200);
    t.clock.advance(HOUR_MS + 1000);
    const res = await signInWithPat(pat.personalAccessToken);
    expectError(res, 401, 'invalid-pat');
    expectContract('signInPAT', res);
  });

  it('refuses a regular refresh token with invalid-pat', async () => {
    const user = await createSignedInUser(t);
    const res = await signInWithPat(user.session.refreshToken);
    expectError(res, 401, 'invalid-pat');
    expectContract('signInPAT', res);
    expect(await refreshTokenRows(t, user.id)).toHaveLength(1);
  });

  it('refuses an unknown token with invalid-pat', async () => {
    const res = await signInWithPat('0d5c2a53-0b36-4cc1-9a7e-6a2c0e0b8d11');
    expectError(res, 401, 'invalid-pat');
    expectContract('signInPAT', res);
  });

  it('refuses a PAT whose owner is disabled with disabled-user', async () => {
    const user = await createSignedInUser(t);
    const pat = await createPat(t, user.session.accessToken);
    await t.db.query('UPDATE auth.users SET disabled = true WHERE id = $1', [user.id]);
    const res = await signInWithPat(pat.personalAccessToken);
    expectError(res, 401, 'disabled-user');
    expectContract('signInPAT', res);
    expect(await refreshTokenRows(t, user.id)).toHaveLength(2);
  });

  it('refuses a value that is not a UUID before the handler runs', async () => {
    const res = await signInWithPat('not-a-token');
    expect(res.status).toBe(400);
    expect(typeof res.body.error).toBe('string');
  });
});
